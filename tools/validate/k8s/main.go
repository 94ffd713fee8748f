// Command validate-k8s validates Kubernetes manifests the way kube-apiserver does on create with
// fieldValidation=Strict, without a cluster:
//
//   - Custom resources (Higress WasmPlugin / McpBridge, Istio WasmPlugin, Envoy Gateway
//     EnvoyExtensionPolicy, Gateway API ...) against the CRD published in each platform's own Go module
//     (pinned in crds.json, fetched with `go mod download`, hash-checked). The pipeline is the apiserver's
//     own code from k8s.io/apiextensions-apiserver: structural schema, unknown-field detection by pruning
//     (x-kubernetes-preserve-unknown-fields respected), metadata coercion with unknown-field detection,
//     defaulting, OpenAPI validation (kube-openapi), list-type validation and the CRD's CEL rules
//     (x-kubernetes-validations).
//   - Built-in kinds (networking.k8s.io/v1 Ingress, v1 Service / ConfigMap / Namespace, apps/v1 Deployment)
//     by strict decoding into the k8s.io/api types (unknown field or wrong type fails), plus the Ingress
//     checks of the apiserver's ValidateIngress that matter for the examples.
//
// Usage:
//
//	validate-k8s [-crds crds.json] FILE.yaml [FILE.yaml ...]   exit 0 valid, 1 invalid, 2 usage / setup error
//	validate-k8s -sources                                     lists the CRD sources and the kinds they define
package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	metavalidation "k8s.io/apimachinery/pkg/api/validation"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

//go:embed crds.json
var defaultSources []byte

type source struct {
	Platform string   `json:"platform"`
	Module   string   `json:"module"`
	Version  string   `json:"version"`
	Sum      string   `json:"sum"`
	Files    []string `json:"files"`
}

type crdVersion struct {
	origin     string // module@version:file
	namespaced bool
	internal   *apiextensions.JSONSchemaProps
	structural *structuralschema.Structural
	validator  apiservervalidation.SchemaValidator
	cel        *cel.Validator
}

// key: group/version/Kind
type registry map[string]*crdVersion

func main() {
	sourcesFile := flag.String("crds", "", "CRD sources manifest (default: the crds.json built into the binary)")
	listOnly := flag.Bool("sources", false, "print the CRD sources and kinds, then exit")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: validate-k8s [-crds crds.json] FILE.yaml [FILE.yaml ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	raw := defaultSources
	if *sourcesFile != "" {
		b, err := os.ReadFile(*sourcesFile)
		if err != nil {
			fatal(err)
		}
		raw = b
	}
	reg, summary, err := loadRegistry(raw)
	if err != nil {
		fatal(err)
	}
	if *listOnly {
		for _, s := range summary {
			fmt.Println(s)
		}
		return
	}
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	failed := false
	for _, file := range flag.Args() {
		results, err := validateFile(reg, file)
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "INVALID %s: %v\n", file, err)
			continue
		}
		for _, r := range results {
			if len(r.errs) > 0 {
				failed = true
				fmt.Fprintf(os.Stderr, "INVALID %s: %s\n  %s\n", file, r.what, strings.Join(r.errs, "\n  "))
			} else {
				fmt.Printf("ok %s: %s\n", file, r.what)
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "validate-k8s:", err)
	os.Exit(2)
}

// moduleDir downloads module@version through the Go module proxy (or finds it in the module cache) and
// checks its hash against the pinned one.
func moduleDir(s source) (string, error) {
	tmp, err := os.MkdirTemp("", "validate-k8s-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", s.Module+"@"+s.Version)
	cmd.Dir = tmp // outside any module: the download is not tied to a go.mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=on")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Sum, Error string }
	if jerr := json.Unmarshal(out, &info); jerr != nil || info.Error != "" || err != nil {
		return "", fmt.Errorf("go mod download %s@%s failed: %v %s %s", s.Module, s.Version, err, info.Error, stderr.String())
	}
	if s.Sum != "" && info.Sum != s.Sum {
		return "", fmt.Errorf("%s@%s: hash %s does not match the pinned %s", s.Module, s.Version, info.Sum, s.Sum)
	}
	return info.Dir, nil
}

func loadRegistry(raw []byte) (registry, []string, error) {
	var m struct{ Sources []source }
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, fmt.Errorf("crds manifest: %w", err)
	}
	reg := registry{}
	var summary []string
	for _, s := range m.Sources {
		dir, err := moduleDir(s)
		if err != nil {
			return nil, nil, err
		}
		var kinds []string
		for _, pattern := range s.Files {
			files, err := filepath.Glob(filepath.Join(dir, pattern))
			if err != nil || len(files) == 0 {
				return nil, nil, fmt.Errorf("%s@%s: no file matches %s", s.Module, s.Version, pattern)
			}
			for _, f := range files {
				rel, _ := filepath.Rel(dir, f)
				k, err := loadCRDFile(reg, f, fmt.Sprintf("%s@%s:%s", s.Module, s.Version, rel))
				if err != nil {
					return nil, nil, err
				}
				kinds = append(kinds, k...)
			}
		}
		sort.Strings(kinds)
		summary = append(summary, fmt.Sprintf("%s: %s@%s (%s) %s", s.Platform, s.Module, s.Version, s.Sum, strings.Join(kinds, " ")))
	}
	return reg, summary, nil
}

func splitYAML(r io.Reader) ([][]byte, error) {
	yr := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var docs [][]byte
	for {
		doc, err := yr.Read()
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		docs = append(docs, doc)
	}
}

func stripComments(doc []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' || string(t) == "---" {
			continue
		}
		out = append(out, line)
	}
	return bytes.Join(out, []byte("\n"))
}

func loadCRDFile(reg registry, path, origin string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := splitYAML(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", origin, err)
	}
	var kinds []string
	for _, doc := range docs {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := yaml.Unmarshal(doc, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", origin, err)
		}
		if crd.Kind != "CustomResourceDefinition" {
			continue
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			internal := &apiextensions.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
				return nil, fmt.Errorf("%s %s: %w", origin, crd.Name, err)
			}
			structural, err := structuralschema.NewStructural(internal)
			if err != nil {
				return nil, fmt.Errorf("%s %s/%s: not a structural schema: %w", origin, crd.Name, v.Name, err)
			}
			validator, _, err := apiservervalidation.NewSchemaValidator(internal)
			if err != nil {
				return nil, fmt.Errorf("%s %s/%s: %w", origin, crd.Name, v.Name, err)
			}
			key := crd.Spec.Group + "/" + v.Name + "/" + crd.Spec.Names.Kind
			reg[key] = &crdVersion{
				origin:     origin,
				namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped,
				internal:   internal,
				structural: structural,
				validator:  validator,
				cel:        cel.NewValidator(structural, true, celconfig.PerCallLimit),
			}
			kinds = append(kinds, key)
		}
	}
	return kinds, nil
}

type result struct {
	what string
	errs []string
}

func validateFile(reg registry, file string) ([]result, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	docs, err := splitYAML(f)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("no YAML document")
	}
	var results []result
	for i, doc := range docs {
		results = append(results, validateDoc(reg, i, doc))
	}
	return results, nil
}

func validateDoc(reg registry, index int, doc []byte) result {
	r := result{what: fmt.Sprintf("document %d", index)}
	// Strict YAML: duplicate keys are errors, as kubectl's strict decoding reports them.
	jsonBytes, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		r.errs = append(r.errs, "yaml: "+err.Error())
		return r
	}
	var obj map[string]interface{}
	if err := utiljson.Unmarshal(jsonBytes, &obj); err != nil || obj == nil {
		r.errs = append(r.errs, fmt.Sprintf("not a JSON object: %v", err))
		return r
	}
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	name := ""
	if md, ok := obj["metadata"].(map[string]interface{}); ok {
		name, _ = md["name"].(string)
	}
	r.what = fmt.Sprintf("document %d %s %s/%s", index, apiVersion, kind, name)
	if apiVersion == "" || kind == "" {
		r.errs = append(r.errs, "apiVersion and kind are required")
		return r
	}
	group, version := "", apiVersion
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		group, version = apiVersion[:i], apiVersion[i+1:]
	}
	if builtin := builtinKind(group, version, kind); builtin != nil {
		r.what += " (strict decoding into k8s.io/api types)"
		r.errs = builtin(jsonBytes)
		return r
	}
	crd := reg[group+"/"+version+"/"+kind]
	if crd == nil {
		r.errs = append(r.errs, fmt.Sprintf("no schema for %s %s: not a built-in kind this validator knows and not defined by any pinned CRD (see validate-k8s -sources)", apiVersion, kind))
		return r
	}
	r.what += " (CRD " + crd.origin + ")"
	r.errs = validateCustomResource(crd, obj)
	return r
}

// validateCustomResource runs what kube-apiserver runs for a create of a custom resource with
// fieldValidation=Strict (k8s.io/apiextensions-apiserver/pkg/registry/customresource + handler's
// strict-field decoding).
func validateCustomResource(crd *crdVersion, obj map[string]interface{}) []string {
	var errs []string
	// 1. Unknown fields: the apiserver prunes everything its structural schema does not know and, in
	//    Strict mode, refuses the object naming each pruned path.
	unknown := pruning.PruneWithOptions(obj, crd.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, p := range unknown {
		errs = append(errs, fmt.Sprintf("%s: unknown field %q", p, lastSegment(p)))
	}
	// 2. metadata: strict decoding into ObjectMeta (unknown metadata fields), and embedded resources.
	if _, _, unknownMeta, err := objectmeta.GetObjectMetaWithOptions(obj, objectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true}); err != nil {
		errs = append(errs, "metadata: "+err.Error())
	} else {
		for _, p := range unknownMeta {
			errs = append(errs, fmt.Sprintf("%s: unknown field %q", p, lastSegment(p)))
		}
	}
	if ferr, unknownEmbedded := objectmeta.CoerceWithOptions(nil, obj, crd.structural, true, objectmeta.CoerceOptions{ReturnUnknownFieldPaths: true}); ferr != nil {
		errs = append(errs, ferr.Error())
	} else {
		for _, p := range unknownEmbedded {
			errs = append(errs, fmt.Sprintf("%s: unknown field %q", p, lastSegment(p)))
		}
	}
	// 3. defaults, as stored objects get them before validation.
	defaulting.Default(obj, crd.structural)
	ctx := context.Background()
	var ferrs field.ErrorList
	ferrs = append(ferrs, objectmeta.Validate(ctx, nil, obj, crd.structural, true)...)
	ferrs = append(ferrs, validateRootMeta(obj, crd.namespaced)...)
	// 4. OpenAPI v3 schema (types, required, enum, pattern, bounds, formats ...).
	ferrs = append(ferrs, apiservervalidation.ValidateCustomResource(nil, obj, crd.validator)...)
	// 5. x-kubernetes-list-type set/map uniqueness.
	ferrs = append(ferrs, listtype.ValidateListSetsAndMaps(nil, crd.structural, obj)...)
	// 6. CEL rules (x-kubernetes-validations).
	celErrs, _ := crd.cel.Validate(ctx, nil, crd.structural, obj, nil, celconfig.RuntimeCELCostBudget)
	ferrs = append(ferrs, celErrs...)
	for _, e := range ferrs {
		errs = append(errs, e.Error())
	}
	return dedupe(errs)
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func lastSegment(p string) string {
	if i := strings.LastIndex(p, "."); i >= 0 {
		return p[i+1:]
	}
	return p
}

func validateRootMeta(obj map[string]interface{}, namespaced bool) field.ErrorList {
	md, _, err := objectmeta.GetObjectMeta(obj, false)
	if err != nil || md == nil {
		return field.ErrorList{field.Required(field.NewPath("metadata"), "")}
	}
	var errs field.ErrorList
	errs = append(errs, metavalidation.ValidateObjectMeta(md, namespaced, metavalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	return errs
}

// ---- built-in kinds -----------------------------------------------------------------------------------

type builtinValidator func(jsonBytes []byte) []string

func builtinKind(group, version, kind string) builtinValidator {
	switch group + "/" + version + "/" + kind {
	case "networking.k8s.io/v1/Ingress":
		return func(b []byte) []string {
			var ing networkingv1.Ingress
			if errs := strictDecode(b, &ing); len(errs) > 0 {
				return errs
			}
			return validateIngress(&ing)
		}
	case "/v1/Service":
		return strictOnly(func() interface{} { return &corev1.Service{} }, true)
	case "/v1/ConfigMap":
		return strictOnly(func() interface{} { return &corev1.ConfigMap{} }, true)
	case "/v1/Namespace":
		return strictOnly(func() interface{} { return &corev1.Namespace{} }, false)
	case "apps/v1/Deployment":
		return strictOnly(func() interface{} { return &appsv1.Deployment{} }, true)
	}
	return nil
}

// strictDecode decodes like kube-apiserver with fieldValidation=Strict (sigs.k8s.io/json): a wrong type
// is an error, and every unknown or duplicate field is reported with its full path.
func strictDecode(b []byte, into interface{}) []string {
	strictErrs, err := kjson.UnmarshalStrict(b, into)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, e := range strictErrs {
		out = append(out, e.Error())
	}
	return out
}

func strictOnly(newObj func() interface{}, namespaced bool) builtinValidator {
	return func(b []byte) []string {
		o := newObj()
		if errs := strictDecode(b, o); len(errs) > 0 {
			return errs
		}
		var obj map[string]interface{}
		_ = utiljson.Unmarshal(b, &obj)
		var errs []string
		for _, e := range validateRootMeta(obj, namespaced) {
			errs = append(errs, e.Error())
		}
		return errs
	}
}

// validateIngress: the parts of kube-apiserver's ValidateIngress (pkg/apis/networking/validation) that a
// hand-written example can get wrong.
func validateIngress(ing *networkingv1.Ingress) []string {
	var errs field.ErrorList
	md := field.NewPath("metadata")
	errs = append(errs, metavalidation.ValidateObjectMeta(&ing.ObjectMeta, true, metavalidation.NameIsDNSSubdomain, md)...)
	spec := field.NewPath("spec")
	if ing.Spec.DefaultBackend == nil && len(ing.Spec.Rules) == 0 {
		errs = append(errs, field.Invalid(spec, "", "either `defaultBackend` or `rules` must be specified"))
	}
	if ing.Spec.IngressClassName != nil {
		for _, msg := range metavalidation.NameIsDNSSubdomain(*ing.Spec.IngressClassName, false) {
			errs = append(errs, field.Invalid(spec.Child("ingressClassName"), *ing.Spec.IngressClassName, msg))
		}
	}
	if ing.Spec.DefaultBackend != nil {
		errs = append(errs, validateBackend(ing.Spec.DefaultBackend, spec.Child("defaultBackend"))...)
	}
	for i, rule := range ing.Spec.Rules {
		rp := spec.Child("rules").Index(i)
		if rule.Host != "" {
			if strings.Contains(rule.Host, "*") {
				for _, msg := range utilvalidation.IsWildcardDNS1123Subdomain(rule.Host) {
					errs = append(errs, field.Invalid(rp.Child("host"), rule.Host, msg))
				}
			} else {
				for _, msg := range utilvalidation.IsDNS1123Subdomain(rule.Host) {
					errs = append(errs, field.Invalid(rp.Child("host"), rule.Host, msg))
				}
				if len(utilvalidation.IsValidIP(rp.Child("host"), rule.Host)) == 0 {
					errs = append(errs, field.Invalid(rp.Child("host"), rule.Host, "must be a DNS name, not an IP address"))
				}
			}
		}
		if rule.HTTP == nil {
			continue
		}
		if len(rule.HTTP.Paths) == 0 {
			errs = append(errs, field.Required(rp.Child("http", "paths"), ""))
		}
		for j, p := range rule.HTTP.Paths {
			pp := rp.Child("http", "paths").Index(j)
			if p.PathType == nil {
				errs = append(errs, field.Required(pp.Child("pathType"), "pathType must be specified"))
			} else {
				switch *p.PathType {
				case networkingv1.PathTypeExact, networkingv1.PathTypePrefix:
					if !strings.HasPrefix(p.Path, "/") {
						errs = append(errs, field.Invalid(pp.Child("path"), p.Path, "must be an absolute path"))
					}
				case networkingv1.PathTypeImplementationSpecific:
					if p.Path != "" && !strings.HasPrefix(p.Path, "/") {
						errs = append(errs, field.Invalid(pp.Child("path"), p.Path, "must be an absolute path"))
					}
				default:
					errs = append(errs, field.NotSupported(pp.Child("pathType"), *p.PathType, []string{"Exact", "Prefix", "ImplementationSpecific"}))
				}
			}
			errs = append(errs, validateBackend(&p.Backend, pp.Child("backend"))...)
		}
	}
	for i, t := range ing.Spec.TLS {
		for j, h := range t.Hosts {
			for _, msg := range utilvalidation.IsWildcardDNS1123Subdomain(strings.TrimPrefix(h, "*.")) {
				errs = append(errs, field.Invalid(spec.Child("tls").Index(i).Child("hosts").Index(j), h, msg))
			}
		}
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func validateBackend(b *networkingv1.IngressBackend, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case b.Service != nil && b.Resource != nil:
		errs = append(errs, field.Invalid(p, "", "cannot set both resource and service backends"))
	case b.Service != nil:
		for _, msg := range utilvalidation.IsDNS1035Label(b.Service.Name) {
			errs = append(errs, field.Invalid(p.Child("service", "name"), b.Service.Name, msg))
		}
		hasName, hasNumber := b.Service.Port.Name != "", b.Service.Port.Number != 0
		if hasName == hasNumber {
			errs = append(errs, field.Invalid(p.Child("service", "port"), b.Service.Port, "exactly one of port.name and port.number must be set"))
		}
		if hasNumber {
			for _, msg := range utilvalidation.IsValidPortNum(int(b.Service.Port.Number)) {
				errs = append(errs, field.Invalid(p.Child("service", "port", "number"), b.Service.Port.Number, msg))
			}
		}
	case b.Resource != nil:
		if b.Resource.Kind == "" {
			errs = append(errs, field.Required(p.Child("resource", "kind"), ""))
		}
		if b.Resource.Name == "" {
			errs = append(errs, field.Required(p.Child("resource", "name"), ""))
		}
	default:
		errs = append(errs, field.Invalid(p, "", "resource or service backend is required"))
	}
	return errs
}
