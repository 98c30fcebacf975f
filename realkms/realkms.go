// Package realkms is a corpus of answers real AWS KMS was recorded giving:
// for each entry, what existed before (setup), the request, and the answer
// (an error code, HTTP status and message, or a success with a few members).
// The reference KMS replays it (reference/realkms_test.go) and the scenarios
// are joined with it by condition ID (features/recordings_test.go), so that
// neither can drift from what real KMS does where real KMS is on record.
//
// The facts come from LocalStack's parity tests of KMS, which are validated
// against real AWS: the responses their snapshot file recorded, and the error
// codes the test code asserts in tests marked as validated against AWS. Each
// entry names its source (repository, commit, file, test, snapshot key and
// the date the test was last validated). The data lives in data/<Operation>.yaml,
// one file per operation, embedded at build time.
//
// # Setup
//
// An entry's setup is declarative; a replayer creates it in a fresh account:
//
//   - keys: each is made with CreateKey (its create members, JSON values),
//     in the replay's Region or, with region: other, in a second Region; then
//     material.imports times key material is imported (GetParametersForImport
//     with material.wrappingAlgorithm and material.wrappingKeySpec, default
//     RSAES_OAEP_SHA_256 and RSA_2048, then ImportKeyMaterial with
//     ExpirationModel KEY_MATERIAL_DOES_NOT_EXPIRE; imports after the first ask
//     for ImportType NEW_KEY_MATERIAL), always with fresh material suited to the
//     key spec; then each lifecycle operation is called on the key in order
//     (DisableKey, EnableKey, ScheduleKeyDeletion with its default waiting
//     period, CancelKeyDeletion, DeleteImportedKeyMaterial, RotateKeyOnDemand,
//     EnableKeyRotation with its default period, and ReplicateKey, which
//     replicates to the second Region).
//   - blobs: after the keys, each blob is the member of the answer to one
//     request sent in the replay's Region (placeholders allowed), decoded
//     from base64, with dropPrefix bytes cut from its start and append (text)
//     added to its end.
//
// An entry with region: other sends its request to the second Region.
//
// # Placeholders
//
// Strings in requests, messages and members may hold placeholders:
//
//	${region} ${other-region}  the replay's Region and the second Region
//	${account} ${partition}    the caller's account and the Region's partition
//	${NAME.id} ${NAME.arn}     key ID and key ARN of setup key NAME
//	${NAME.material.N}         KeyMaterialId that the Nth setup import into key NAME returned
//	${NAME.importToken}        requests only: an import token and the matching
//	${NAME.wrappedMaterial}    fresh key material wrapped for it, as in the key's setup
//	${NAME.publicKey}          requests only: the public key of key NAME (GetPublicKey)
//	${NAME.value}              requests only: setup blob NAME, base64
//	${bytes:N}                 requests only: N random bytes, base64
//	${repeat:S:N}              the text S repeated N times
//	${hex64}                   messages and members only: any 64 lower-case hex digits,
//	                           for an ID the caller cannot know
//	${any}                     messages and members only: any non-empty text
//	${enum:A,B,C}              messages only: a list "X, Y, Z" of enum values that holds
//	                           at least A, B and C, in any order; for enum lists that
//	                           KMS prints as a set, or that grew after the recording
//
// LocalStack's snapshot transformers replaced IDs before the snapshot was
// stored: <key-arn> (any key ARN), <key-id:N> (the value of a KeyId member),
// 111111111111 (the account), <region>, <partition>. The entries write what
// these stood for with the placeholders above; where a replacement hides
// which value it was, the entry says so in a comment.
package realkms

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed data/*.yaml
var embedded embed.FS

// Entry is one recorded answer of real KMS.
type Entry struct {
	// ID is stable: <Operation>.<what-happens>.
	ID        string `yaml:"id"`
	Operation string `yaml:"operation"`
	// Region is "" (the replay's Region) or "other" (the second Region).
	Region  string         `yaml:"region,omitempty"`
	Setup   Setup          `yaml:"setup,omitempty"`
	Request map[string]any `yaml:"request"`
	Want    Want           `yaml:"want"`
	Source  Source         `yaml:"source"`
	// Conds are the catalog's condition IDs the entry bears on.
	Conds []string `yaml:"conds,omitempty"`
	// Note says what a reader of the entry should know that the data does not show.
	Note string `yaml:"note,omitempty"`
	// Superseded names the entry whose later recording replaced this one's
	// answer; a superseded entry is history, not an expectation.
	Superseded string `yaml:"superseded,omitempty"`

	// File and Line locate the entry in the corpus.
	File string `yaml:"-"`
	Line int    `yaml:"-"`
}

// Setup is what must exist before the request.
type Setup struct {
	Keys  []Key  `yaml:"keys,omitempty"`
	Blobs []Blob `yaml:"blobs,omitempty"`
}

// Key is a KMS key of the setup.
type Key struct {
	Name string `yaml:"name"`
	// Region is "" or "other", as for Entry.Region.
	Region string `yaml:"region,omitempty"`
	// Create holds the CreateKey members.
	Create    map[string]any `yaml:"create,omitempty"`
	Material  *Material      `yaml:"material,omitempty"`
	Lifecycle []string       `yaml:"lifecycle,omitempty"`
}

// Material says how key material is imported into a setup key.
type Material struct {
	WrappingAlgorithm string `yaml:"wrappingAlgorithm,omitempty"`
	WrappingKeySpec   string `yaml:"wrappingKeySpec,omitempty"`
	Imports           int    `yaml:"imports,omitempty"`
}

// Blob is a value one setup request produces, such as a ciphertext.
type Blob struct {
	Name       string         `yaml:"name"`
	Operation  string         `yaml:"operation"`
	Request    map[string]any `yaml:"request"`
	Member     string         `yaml:"member"`
	DropPrefix int            `yaml:"dropPrefix,omitempty"`
	Append     string         `yaml:"append,omitempty"`
}

// Want is the recorded answer.
type Want struct {
	// Code is the error code; empty for a success (OK).
	Code string `yaml:"code,omitempty"`
	// Status is the HTTP status, 0 where it was not recorded.
	Status int `yaml:"status,omitempty"`
	// Message is the error message; nil where it was not recorded, "" where
	// real KMS sent none.
	Message *string `yaml:"message,omitempty"`

	OK bool `yaml:"ok,omitempty"`
	// Members are dotted paths into the answer ("KeyMetadata.KeyState") and
	// the values they must have; strings may hold placeholders.
	Members map[string]any `yaml:"members,omitempty"`
	// Unlike are members that must not have the given value.
	Unlike map[string]any `yaml:"unlike,omitempty"`
	// Absent are members the answer must not have.
	Absent []string `yaml:"absent,omitempty"`
}

// Source says where an entry's fact was recorded.
type Source struct {
	Repository string `yaml:"repository"`
	Commit     string `yaml:"commit"`
	// Path is the snapshot file for recorded responses, the test file for
	// codes asserted in test code.
	Path string `yaml:"path"`
	// Test is Class::test_name[parameters].
	Test string `yaml:"test"`
	// Key is the snapshot key of the recorded response; empty for asserted codes.
	Key string `yaml:"key,omitempty"`
	// Validated is when the test last ran against real AWS (RFC 3339), from
	// the test file's validation record; empty for a test marked as validated
	// against AWS that has no record there.
	Validated string `yaml:"validated,omitempty"`
}

// Load reads the embedded corpus, sorted by file and line.
func Load() ([]Entry, error) {
	sub, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("realkms: %w", err)
	}
	return LoadFS(sub)
}

// LoadFS reads every *.yaml file at the top of fsys as a corpus. Decoding is
// strict: an unknown field is an error. Errors name the file and, where the
// YAML decoder or the check knows it, the line.
func LoadFS(fsys fs.FS) ([]Entry, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("realkms: %w", err)
	}
	sort.Strings(names)
	var all []Entry
	var errs []error
	for _, name := range names {
		entries, err := loadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, entries...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := checkCorpus(all); err != nil {
		return nil, err
	}
	return all, nil
}

func loadFile(fsys fs.FS, name string) ([]Entry, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("realkms: %w", err)
	}
	var entries []Entry
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("realkms: %s: %s", name, yamlErrorText(err))
	}
	// The lines of the entries, which decoding into structs does not keep.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("realkms: %s: %s", name, yamlErrorText(err))
	}
	var lines []int
	if len(doc.Content) == 1 && doc.Content[0].Kind == yaml.SequenceNode {
		for _, n := range doc.Content[0].Content {
			lines = append(lines, n.Line)
		}
	}
	op := strings.TrimSuffix(path.Base(name), ".yaml")
	var errs []error
	for i := range entries {
		e := &entries[i]
		e.File = name
		if i < len(lines) {
			e.Line = lines[i]
		}
		if e.Operation != op {
			errs = append(errs, e.errorf("operation %q in the file of %s", e.Operation, op))
		}
		if err := e.check(); err != nil {
			errs = append(errs, e.errorf("%v", err))
		}
	}
	return entries, errors.Join(errs...)
}

// yamlErrorText turns a yaml.v3 error into "line N: reason[; line M: reason]".
func yamlErrorText(err error) string {
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		return strings.Join(typeErr.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

func (e *Entry) errorf(format string, args ...any) error {
	return fmt.Errorf("realkms: %s:%d: %s: %s", e.File, e.Line, e.ID, fmt.Sprintf(format, args...))
}

var (
	idPattern     = regexp.MustCompile(`^[A-Z][A-Za-z]+\.[a-z0-9][A-Za-z0-9_.-]*$`)
	condPattern   = regexp.MustCompile(`^[A-Z][A-Za-z]+\.([0-9]{2}|R[0-9]{2}|V(\.[A-Za-z]+)+)$`)
	codePattern   = regexp.MustCompile(`^[A-Z][A-Za-z]+Exception$`)
	commitPattern = regexp.MustCompile(`^[0-9a-f]{40}$`)
	namePattern   = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
)

// lifecycleOps are the KeyId-only operations a setup key's lifecycle may call.
var lifecycleOps = []string{"DisableKey", "EnableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
	"DeleteImportedKeyMaterial", "RotateKeyOnDemand", "ReplicateKey", "EnableKeyRotation"}

// blobOps are the operations a setup blob may come from.
var blobOps = []string{"Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "GenerateDataKeyPair",
	"GenerateDataKeyPairWithoutPlaintext", "Sign", "GenerateMac"}

// check rejects an entry that a replayer could not act on or that says
// something it cannot mean.
func (e *Entry) check() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !idPattern.MatchString(e.ID) || !strings.HasPrefix(e.ID, e.Operation+".") {
		add("id %q is not %s.<name>", e.ID, e.Operation)
	}
	if e.Region != "" && e.Region != "other" {
		add("region %q is neither empty nor other", e.Region)
	}
	if e.Request == nil {
		add("no request")
	}
	for _, c := range e.Conds {
		if !condPattern.MatchString(c) {
			add("condition ID %q is not Operation.NN, Operation.RNN or Operation.V.Member...", c)
		}
	}
	errs = append(errs, e.Want.check(), e.Source.check())
	scope, err := e.Setup.scope()
	errs = append(errs, err)
	if scope != nil {
		errs = append(errs, checkPlaceholders(e.Request, scope, inRequest, "request"))
		for _, k := range e.Setup.Keys {
			errs = append(errs, checkPlaceholders(k.Create, scope, inRequest, "key "+k.Name))
		}
		for _, b := range e.Setup.Blobs {
			errs = append(errs, checkPlaceholders(b.Request, scope, inRequest, "blob "+b.Name))
		}
		if e.Want.Message != nil {
			errs = append(errs, checkPlaceholders(*e.Want.Message, scope, inAnswer, "message"))
		}
		errs = append(errs, checkPlaceholders(e.Want.Members, scope, inAnswer, "members"),
			checkPlaceholders(e.Want.Unlike, scope, inAnswer, "unlike"))
	}
	return errors.Join(errs...)
}

func (w *Want) check() error {
	switch {
	case w.OK && w.Code != "":
		return errors.New("want has both ok and an error code")
	case !w.OK && w.Code == "":
		return errors.New("want has neither ok nor an error code")
	case w.OK && (w.Status != 0 || w.Message != nil):
		return errors.New("want ok with an error status or message")
	case !w.OK && (len(w.Members) > 0 || len(w.Unlike) > 0 || len(w.Absent) > 0):
		return errors.New("want members of an error answer")
	case w.Code != "" && !codePattern.MatchString(w.Code):
		return fmt.Errorf("error code %q is not a KMS error code", w.Code)
	case w.Status != 0 && (w.Status < 400 || w.Status > 599):
		return fmt.Errorf("status %d of an error is not 4xx or 5xx", w.Status)
	}
	return nil
}

func (s *Source) check() error {
	var errs []error
	if s.Repository == "" || s.Path == "" || s.Test == "" {
		errs = append(errs, errors.New("source needs repository, path and test"))
	}
	if !commitPattern.MatchString(s.Commit) {
		errs = append(errs, fmt.Errorf("source commit %q is not 40 hex digits", s.Commit))
	}
	if s.Validated != "" {
		if _, err := time.Parse(time.RFC3339, s.Validated); err != nil {
			errs = append(errs, fmt.Errorf("source validated: %w", err))
		}
	}
	return errors.Join(errs...)
}

// scope checks the setup and lists what its names stand for.
func (s *Setup) scope() (*scope, error) {
	sc := &scope{keys: map[string]*Key{}, blobs: map[string]bool{}}
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i := range s.Keys {
		k := &s.Keys[i]
		if !namePattern.MatchString(k.Name) || sc.taken(k.Name) {
			add("setup key name %q is not a fresh lower-case name", k.Name)
		}
		sc.keys[k.Name] = k
		if k.Region != "" && k.Region != "other" {
			add("key %s: region %q is neither empty nor other", k.Name, k.Region)
		}
		if k.Material != nil && k.Material.Imports < 0 {
			add("key %s: negative imports", k.Name)
		}
		for _, op := range k.Lifecycle {
			if !slices.Contains(lifecycleOps, op) {
				add("key %s: lifecycle operation %q is not one of %s", k.Name, op, strings.Join(lifecycleOps, ", "))
			}
		}
	}
	for _, b := range s.Blobs {
		if !namePattern.MatchString(b.Name) || sc.taken(b.Name) {
			add("setup blob name %q is not a fresh lower-case name", b.Name)
		}
		sc.blobs[b.Name] = true
		if !slices.Contains(blobOps, b.Operation) {
			add("blob %s: operation %q is not one of %s", b.Name, b.Operation, strings.Join(blobOps, ", "))
		}
		if b.Member == "" || b.Request == nil || b.DropPrefix < 0 {
			add("blob %s needs a request, a member and a dropPrefix of 0 or more", b.Name)
		}
	}
	return sc, errors.Join(errs...)
}

// checkCorpus checks what no single entry can: unique IDs and the targets
// of superseded.
func checkCorpus(entries []Entry) error {
	ids := map[string]bool{}
	var errs []error
	for i := range entries {
		e := &entries[i]
		if ids[e.ID] {
			errs = append(errs, e.errorf("duplicate id"))
		}
		ids[e.ID] = true
	}
	for i := range entries {
		e := &entries[i]
		if e.Superseded != "" && (!ids[e.Superseded] || e.Superseded == e.ID) {
			errs = append(errs, e.errorf("superseded names %q, which is no other entry", e.Superseded))
		}
	}
	return errors.Join(errs...)
}

// Operations are the operations a replay of e calls: e's own and those its
// setup needs, without repeats, e.Operation first.
func (e *Entry) Operations() []string {
	ops := []string{e.Operation}
	addOp := func(op string) {
		if !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	}
	for _, k := range e.Setup.Keys {
		addOp("CreateKey")
		if k.Material != nil && k.Material.Imports > 0 {
			addOp("GetParametersForImport")
			addOp("ImportKeyMaterial")
		}
		for _, op := range k.Lifecycle {
			addOp(op)
		}
	}
	for _, b := range e.Setup.Blobs {
		addOp(b.Operation)
	}
	for _, r := range e.requestRefs() {
		switch r.Attr {
		case "importToken", "wrappedMaterial":
			addOp("GetParametersForImport")
		case "publicKey":
			addOp("GetPublicKey")
		}
	}
	return ops
}

// requestRefs are the references in the request and the blob requests.
func (e *Entry) requestRefs() []Ref {
	var refs []Ref
	visit := func(v any) {
		walkStrings(v, func(s string) {
			phs, _ := parsePlaceholders(s)
			for _, p := range phs {
				if p.kind == kindRef {
					refs = append(refs, p.ref)
				}
			}
		})
	}
	visit(e.Request)
	for _, b := range e.Setup.Blobs {
		visit(b.Request)
	}
	return refs
}
