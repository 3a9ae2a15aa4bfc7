// Package smtest is a small local HTTP server that speaks the SageMaker
// JSON protocol (awsJson1_1: POST / with X-Amz-Target: SageMaker.<Operation>)
// for DescribeModel and ListModels. No real AWS account is reachable from
// the tests, so the SDK's wiring is tested against it; it serves the
// describe-model responses in testdata/, which [Response] returns.
//
// # API stability
//
// The package is internal to mati's tests.
package smtest

import (
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

//go:embed testdata/*.json
var responses embed.FS

// Response returns the describe-model response of model name in testdata/,
// and fails the test if there is none.
func Response(t testing.TB, name string) []byte {
	t.Helper()
	b, err := responses.ReadFile(path.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Fake is the fake SageMaker API.
type Fake struct {
	// Models are the DescribeModel responses by model name; nil means the
	// responses in testdata/.
	Models map[string][]byte
	// Listed are the names ListModels returns, in order; a name without a
	// response was deleted after it was listed.
	Listed []string
	// Denied are the names whose DescribeModel is refused.
	Denied map[string]bool
	// PageSize is how many models a ListModels page holds; 0 means 2.
	PageSize int

	mu    sync.Mutex
	calls []string
}

// Calls returns the calls served so far: "Operation" or "Operation name".
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Start starts the fake, stopped when the test ends, and returns its URL.
func Start(t testing.TB, f *Fake) string {
	t.Helper()
	if f.Models == nil {
		f.Models = map[string][]byte{}
		entries, err := responses.ReadDir("testdata")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := strings.TrimSuffix(e.Name(), ".json")
			f.Models[name] = Response(t, name)
		}
	}
	if f.PageSize == 0 {
		f.PageSize = 2
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return srv.URL
}

// serve answers one awsJson1_1 request.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	var in struct{ ModelName, NameContains, NextToken string }
	body, _ := io.ReadAll(r.Body)
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "SageMaker.")
	switch {
	case r.Method != http.MethodPost || !ok:
		apiFail(w, http.StatusBadRequest, "UnknownOperationException", "")
		return
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "):
		apiFail(w, http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	case json.Unmarshal(body, &in) != nil:
		apiFail(w, http.StatusBadRequest, "SerializationException", "")
		return
	}
	f.mu.Lock()
	f.calls = append(f.calls, strings.TrimSpace(op+" "+in.ModelName))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "DescribeModel":
		if f.Denied[in.ModelName] {
			apiFail(w, http.StatusBadRequest, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sagemaker:DescribeModel")
			return
		}
		b, ok := f.Models[in.ModelName]
		if !ok {
			apiFail(w, http.StatusBadRequest, "ValidationException", fmt.Sprintf("Could not find model \"arn:aws:sagemaker:us-east-1:123456789012:model/%s\".", in.ModelName))
			return
		}
		w.Write(b)
	case "ListModels":
		var names []string
		for _, n := range f.Listed {
			if strings.Contains(n, in.NameContains) {
				names = append(names, n)
			}
		}
		start := 0
		fmt.Sscan(in.NextToken, &start)
		end := min(start+f.PageSize, len(names))
		out := struct {
			Models    []map[string]any
			NextToken string `json:",omitempty"`
		}{Models: []map[string]any{}}
		for _, n := range names[start:end] {
			out.Models = append(out.Models, map[string]any{"ModelName": n, "ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/" + n, "CreationTime": 1714557600.0})
		}
		if end < len(names) {
			out.NextToken = fmt.Sprint(end)
		}
		json.NewEncoder(w).Encode(out)
	default:
		apiFail(w, http.StatusBadRequest, "UnknownOperationException", op)
	}
}

// apiFail writes an awsJson1_1 error.
func apiFail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

// FakeAWS sets fake credentials and keeps the SDK away from the real
// configuration files and the instance metadata service.
func FakeAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":           "AKIDFAKEFAKEFAKE",
		"AWS_SECRET_ACCESS_KEY":       "fake-secret",
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_REGION":                  "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_SAGEMAKER":  "",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
}
