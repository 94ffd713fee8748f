// ocicheck reads an OCI image layout with go-containerregistry — the library Istio's (and so Higress's)
// Wasm image fetcher and Envoy Gateway use — and checks it the way they would pull it:
//
//	ocicheck LAYOUT_DIR TAG PLUGIN_WASM
//
// validate.Image checks every digest, size and diff_id; then the last layer must be
// application/vnd.oci.image.layer.v1.tar+gzip holding a file whose base name is plugin.wasm, and that file
// must equal PLUGIN_WASM byte for byte. Prints "ok <manifest digest>" or the problem, exit status 0 / 1.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func check(dir, tag, wasmPath string) (string, error) {
	want, err := os.ReadFile(wasmPath)
	if err != nil {
		return "", err
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		return "", fmt.Errorf("not an OCI image layout: %w", err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return "", err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return "", err
	}
	var desc *v1.Descriptor
	for i := range im.Manifests {
		if im.Manifests[i].Annotations["org.opencontainers.image.ref.name"] == tag {
			desc = &im.Manifests[i]
		}
	}
	if desc == nil {
		return "", fmt.Errorf("index.json has no manifest tagged %q", tag)
	}
	img, err := idx.Image(desc.Digest)
	if err != nil {
		return "", err
	}
	if err := validate.Image(img); err != nil {
		return "", fmt.Errorf("validate.Image: %w", err)
	}
	mt, err := img.MediaType()
	if err != nil {
		return "", err
	}
	if mt != types.OCIManifestSchema1 {
		return "", fmt.Errorf("manifest media type %s", mt)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) == 0 {
		return "", fmt.Errorf("no layers (%v)", err)
	}
	last := layers[len(layers)-1]
	lmt, err := last.MediaType()
	if err != nil {
		return "", err
	}
	if lmt != types.OCILayer {
		return "", fmt.Errorf("last layer media type %s, want %s", lmt, types.OCILayer)
	}
	r, err := last.Compressed()
	if err != nil {
		return "", err
	}
	defer r.Close()
	gr, err := gzip.NewReader(r)
	if err != nil {
		return "", fmt.Errorf("layer is not gzip: %w", err)
	}
	tr := tar.NewReader(gr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", fmt.Errorf("no plugin.wasm in the last layer")
		}
		if err != nil {
			return "", fmt.Errorf("layer is not a tar: %w", err)
		}
		if filepath.Base(h.Name) != "plugin.wasm" {
			continue
		}
		got, err := io.ReadAll(tr)
		if err != nil {
			return "", err
		}
		if !bytes.Equal(got, want) {
			return "", fmt.Errorf("plugin.wasm (%d bytes) differs from %s (%d bytes)", len(got), wasmPath, len(want))
		}
		return desc.Digest.String(), nil
	}
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: ocicheck LAYOUT_DIR TAG PLUGIN_WASM")
		os.Exit(2)
	}
	digest, err := check(os.Args[1], os.Args[2], os.Args[3])
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
	fmt.Println("ok", digest)
}
