// Command validate-jsonschema compiles a JSON Schema (draft 2020-12) with github.com/santhosh-tekuri/jsonschema/v6
// — which validates the schema against its metaschema first — and validates JSON documents against it, with
// format assertions on ("regex" checked by Go's RE2 engine, the syntax family of the filter's regexes).
//
// Usage:
//
//	validate-jsonschema -schema S.json                     compile + metaschema check only
//	validate-jsonschema -schema S.json DOC.json ...        validate files (exit 1 when one is invalid)
//	validate-jsonschema -schema S.json -batch CORPUS.json  CORPUS = [{"id": "...", "text": "<JSON text>"}, ...];
//	                                                       prints [{"id", "valid", "error"}] as JSON (exit 0)
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

type batchItem struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type verdict struct {
	ID    string `json:"id"`
	Valid bool   `json:"valid"`
	Error string `json:"error,omitempty"`
}

func main() {
	schemaPath := flag.String("schema", "", "the JSON Schema file")
	batch := flag.String("batch", "", "a JSON array of {id, text}: print a verdict for each")
	version := flag.Bool("version", false, "print the validator module version")
	flag.Parse()
	if *version {
		fmt.Println(moduleVersion("github.com/santhosh-tekuri/jsonschema/v6"))
		return
	}
	if *schemaPath == "" {
		fmt.Fprintln(os.Stderr, "usage: validate-jsonschema -schema S.json [-batch CORPUS.json | DOC.json ...]")
		os.Exit(2)
	}
	sch, err := compile(*schemaPath)
	if err != nil {
		fmt.Fprintf(os.Stderr, "INVALID SCHEMA %s: %v\n", *schemaPath, err)
		os.Exit(1)
	}
	if *batch != "" {
		raw, err := os.ReadFile(*batch)
		if err != nil {
			fatal(err)
		}
		var items []batchItem
		if err := json.Unmarshal(raw, &items); err != nil {
			fatal(fmt.Errorf("%s: %w", *batch, err))
		}
		out := make([]verdict, 0, len(items))
		for _, it := range items {
			v := verdict{ID: it.ID, Valid: true}
			if err := validate(sch, []byte(it.Text)); err != nil {
				v.Valid = false
				v.Error = err.Error()
			}
			out = append(out, v)
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", " ")
		if err := enc.Encode(out); err != nil {
			fatal(err)
		}
		return
	}
	if flag.NArg() == 0 {
		fmt.Printf("ok %s: a valid draft 2020-12 schema (%s)\n", *schemaPath, moduleVersion("github.com/santhosh-tekuri/jsonschema/v6"))
		return
	}
	failed := false
	for _, f := range flag.Args() {
		raw, err := os.ReadFile(f)
		if err == nil {
			err = validate(sch, raw)
		}
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "INVALID %s: %v\n", f, err)
		} else {
			fmt.Printf("ok %s\n", f)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "validate-jsonschema:", err)
	os.Exit(2)
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

func compile(path string) (*jsonschema.Schema, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(abs, doc); err != nil {
		return nil, err
	}
	return c.Compile(abs) // checks the schema against the draft 2020-12 metaschema
}

// validate parses one JSON text (exactly one value, nothing after it) and validates it. A leading UTF-8 byte
// order mark is ignored, as RFC 8259 §8.1 allows a parser to (the filter's parser does).
func validate(sch *jsonschema.Schema, text []byte) error {
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var inst any
	if err := dec.Decode(&inst); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("not JSON: data after the top-level value")
	}
	return sch.Validate(inst)
}
