// Command validate-envoy checks Envoy v3 static configuration files against Envoy's own API
// definitions (go-control-plane, generated from envoyproxy/data-plane-api):
//
//  1. YAML -> JSON (sigs.k8s.io/yaml), then protojson into envoy.config.bootstrap.v3.Bootstrap with
//     DiscardUnknown=false: an unknown field, a wrong JSON type or an unresolvable "@type" fails.
//  2. The generated protoc-gen-validate validators (ValidateAll) on the Bootstrap, and on every
//     google.protobuf.Any found anywhere in the tree (typed_config, configuration, ...), unpacked and
//     validated recursively, so nested extension configs are checked too.
//  3. A few load-time checks Envoy makes that are not expressed as proto constraints: a route's
//     cluster must name a static cluster, and the router must be the last HTTP filter.
//
// Usage: validate-envoy FILE.yaml [FILE.yaml ...]    (exit 0 = all valid, 1 = invalid, 2 = usage/IO)
//
//	validate-envoy -version                         (prints the go-control-plane version it was built with)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"sigs.k8s.io/yaml"

	// Extension types an example may reference through "@type". Each blank import registers the
	// message in protoregistry.GlobalTypes, so protojson can resolve the Any and we can validate it.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/file/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/wasm/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/wasm/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/wasm/v3"
	_ "google.golang.org/protobuf/types/known/structpb"
	_ "google.golang.org/protobuf/types/known/wrapperspb"
)

const routerType = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"

type allValidator interface{ ValidateAll() error }

func main() {
	showVersion := flag.Bool("version", false, "print the go-control-plane module version and exit")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: validate-envoy FILE.yaml [FILE.yaml ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *showVersion {
		fmt.Println(moduleVersion("github.com/envoyproxy/go-control-plane/envoy"))
		return
	}
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	failed := false
	for _, file := range flag.Args() {
		summary, err := validateFile(file)
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "INVALID %s: %v\n", file, err)
			continue
		}
		fmt.Printf("ok %s: %s\n", file, summary)
	}
	if failed {
		os.Exit(1)
	}
}

func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				return path + " " + dep.Version
			}
		}
	}
	return path + " (unknown)"
}

func validateFile(file string) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return "", errors.New("empty file")
	}
	// YAMLToJSON keeps keys as written (no case folding) and rejects duplicate keys.
	jsonBytes, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return "", fmt.Errorf("yaml: %w", err)
	}
	bs := &bootstrapv3.Bootstrap{}
	opts := protojson.UnmarshalOptions{DiscardUnknown: false, Resolver: protoregistry.GlobalTypes}
	if err := opts.Unmarshal(jsonBytes, bs); err != nil {
		return "", fmt.Errorf("proto (envoy.config.bootstrap.v3.Bootstrap): %w", err)
	}
	var problems []string
	if err := bs.ValidateAll(); err != nil {
		problems = append(problems, "Bootstrap: "+err.Error())
	}
	types := map[string]int{}
	walk(bs.ProtoReflect(), "", types, &problems)
	problems = append(problems, semanticChecks(bs)...)
	if len(problems) > 0 {
		return "", errors.New(strings.Join(problems, "\n  "))
	}
	names := make([]string, 0, len(types))
	for t, n := range types {
		names = append(names, fmt.Sprintf("%s x%d", strings.TrimPrefix(t, "type.googleapis.com/"), n))
	}
	sort.Strings(names)
	return "Bootstrap valid; nested Any validated: " + strings.Join(names, ", "), nil
}

// walk visits every message field; each Any is unpacked, validated with its own ValidateAll, and
// walked in turn.
func walk(m protoreflect.Message, path string, types map[string]int, problems *[]string) {
	if any, ok := m.Interface().(*anypb.Any); ok {
		inner, err := any.UnmarshalNew()
		if err != nil {
			*problems = append(*problems, fmt.Sprintf("%s: cannot unpack %q: %v", path, any.GetTypeUrl(), err))
			return
		}
		types[any.GetTypeUrl()]++
		if v, ok := inner.(allValidator); ok {
			if err := v.ValidateAll(); err != nil {
				*problems = append(*problems, fmt.Sprintf("%s (%s): %v", path, any.GetTypeUrl(), err))
			}
		}
		walk(inner.ProtoReflect(), path+"<"+string(inner.ProtoReflect().Descriptor().FullName())+">", types, problems)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := path + "." + string(fd.Name())
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walk(l.Get(i).Message(), fmt.Sprintf("%s[%d]", name, i), types, problems)
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				walk(mv.Message(), fmt.Sprintf("%s[%q]", name, k.String()), types, problems)
				return true
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			walk(v.Message(), name, types, problems)
		}
		return true
	})
}

// semanticChecks: what Envoy refuses at load time beyond the proto constraints, for the features the
// examples use.
func semanticChecks(bs *bootstrapv3.Bootstrap) []string {
	var problems []string
	clusters := map[string]bool{}
	for _, c := range bs.GetStaticResources().GetClusters() {
		clusters[c.GetName()] = true
	}
	for li, l := range bs.GetStaticResources().GetListeners() {
		for fci, fc := range l.GetFilterChains() {
			for fi, f := range fc.GetFilters() {
				if f.GetTypedConfig() == nil {
					continue
				}
				msg, err := f.GetTypedConfig().UnmarshalNew()
				if err != nil {
					continue // reported by walk
				}
				hcm, ok := msg.(*hcmv3.HttpConnectionManager)
				if !ok {
					continue
				}
				where := fmt.Sprintf("listeners[%d].filter_chains[%d].filters[%d]", li, fci, fi)
				filters := hcm.GetHttpFilters()
				if len(filters) == 0 || filters[len(filters)-1].GetTypedConfig().GetTypeUrl() != routerType {
					problems = append(problems, where+": the last http_filters entry must be the router ("+routerType+")")
				}
				for hi, hf := range filters[:max(len(filters)-1, 0)] {
					if hf.GetTypedConfig().GetTypeUrl() == routerType {
						problems = append(problems, fmt.Sprintf("%s.http_filters[%d]: the router is a terminal filter and must be last", where, hi))
					}
				}
				if rc := hcm.GetRouteConfig(); rc != nil {
					for vi, vh := range rc.GetVirtualHosts() {
						for ri, r := range vh.GetRoutes() {
							if c := routeCluster(r); c != "" && !clusters[c] {
								problems = append(problems, fmt.Sprintf("%s.route_config.virtual_hosts[%d].routes[%d]: unknown cluster %q", where, vi, ri, c))
							}
						}
					}
				}
			}
		}
	}
	return problems
}

func routeCluster(r *routev3.Route) string {
	if ra := r.GetRoute(); ra != nil {
		return ra.GetCluster()
	}
	return ""
}

var _ proto.Message = (*bootstrapv3.Bootstrap)(nil)
