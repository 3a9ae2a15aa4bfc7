package artifact

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// loopback sends every request to a local test server, whatever its URL,
// keeping the host the SDK chose in the Host header; requests never leave
// the machine.
type loopback struct {
	to *url.URL
	rt http.RoundTripper
}

func (l loopback) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Host = r.URL.Host
	r2.URL.Scheme, r2.URL.Host = l.to.Scheme, l.to.Host
	return l.rt.RoundTrip(r2)
}

// fakeAWS answers as S3 does for a bucket in eu-west-1: HEAD and requests
// sent to another region get a 301 naming the region.
func fakeAWS(t *testing.T) (*http.Client, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.Host)
		mu.Unlock()
		w.Header().Set("X-Amz-Bucket-Region", "eu-west-1")
		if r.Method == http.MethodHead || r.Host != "regional.s3.eu-west-1.amazonaws.com" {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusMovedPermanently)
			if r.Method != http.MethodHead {
				io.WriteString(w, `<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`)
			}
			return
		}
		w.Header().Set("Content-Range", "bytes 0-4/5")
		w.Header().Set("ETag", `"e1"`)
		w.WriteHeader(http.StatusPartialContent)
		io.WriteString(w, "hello")
	}))
	t.Cleanup(srv.Close)
	to, _ := url.Parse(srv.URL)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_S3": "",
	} {
		t.Setenv(k, v)
	}
	client := &http.Client{Transport: loopback{to: to, rt: &http.Transport{Proxy: nil}}}
	return client, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

func TestS3FindsTheBucketRegion(t *testing.T) {
	regions.Delete("regional")
	client, seen := fakeAWS(t)
	src, err := newS3Source("s3://regional/model.tar.gz", S3Options{HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read %q, %v", got, err)
	}
	want := []string{"HEAD regional.s3.us-east-1.amazonaws.com", "GET regional.s3.eu-west-1.amazonaws.com"}
	if d := cmp.Diff(want, seen()); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
}

func TestS3WrongRegionNamesTheRightOne(t *testing.T) {
	client, _ := fakeAWS(t)
	src, err := newS3Source("s3://regional/model.tar.gz", S3Options{HTTPClient: client, Region: "us-west-2", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = src.Open(context.Background())
	if !errors.Is(err, ErrWrongRegion) {
		t.Fatalf("got %v, want ErrWrongRegion", err)
	}
	if want := `failed to read "s3://regional/model.tar.gz": the bucket is in another region (eu-west-1)`; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	if want := "use --region eu-west-1"; HintOf(err) != want {
		t.Errorf("hint %q, want %q", HintOf(err), want)
	}
}
