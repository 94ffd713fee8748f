// Command validate-compose loads Docker Compose files with github.com/compose-spec/compose-go/v2, the loader
// `docker compose` itself uses: YAML parsing, validation against the Compose Specification JSON Schema bundled
// in that module (unknown fields fail; x-* extensions allowed), interpolation, normalisation and the model's
// consistency checks (e.g. depends_on naming an undefined service). Bind-mount sources must exist (relative to
// the file, as `docker compose` resolves them).
//
// Usage: validate-compose FILE.yaml [FILE.yaml ...]   (exit 0 valid, 1 invalid)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	version := flag.Bool("version", false, "print the compose-go module version")
	flag.Parse()
	if *version {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, d := range info.Deps {
				if d.Path == "github.com/compose-spec/compose-go/v2" {
					fmt.Println(d.Path, d.Version)
				}
			}
		}
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: validate-compose FILE.yaml [FILE.yaml ...]")
		os.Exit(2)
	}
	failed := false
	for _, f := range flag.Args() {
		summary, err := load(f)
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "INVALID %s: %v\n", f, err)
			continue
		}
		fmt.Printf("ok %s: %s\n", f, summary)
	}
	if failed {
		os.Exit(1)
	}
}

func load(file string) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	opts, err := cli.NewProjectOptions([]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithName("validate"),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return "", err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return "", err
	}
	var names, missing []string
	for name, svc := range project.Services {
		names = append(names, name+" ("+svc.Image+")")
		// A short-syntax bind mount whose source does not exist is created by Docker as an empty directory,
		// which the container then fails to read as a file: report it here.
		for _, v := range svc.Volumes {
			if v.Type == "bind" {
				if _, err := os.Stat(v.Source); err != nil {
					missing = append(missing, fmt.Sprintf("services.%s.volumes: bind source %s does not exist", name, v.Source))
				}
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return "", fmt.Errorf("%s", strings.Join(missing, "; "))
	}
	sort.Strings(names)
	return "services: " + strings.Join(names, ", "), nil
}
