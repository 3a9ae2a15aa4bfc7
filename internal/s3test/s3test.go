// Package s3test runs a real S3-compatible server for tests: versitygw with
// its posix backend in a temporary folder, on a free 127.0.0.1 port, behind
// a recording reverse proxy that can inject faults.
//
// Nothing starts until [Start] is called. Code under test talks to
// [Server.Endpoint] (the proxy), so every request it sends is in
// [Server.Requests]; the helpers that set up buckets and objects talk to
// versitygw directly and are not recorded.
//
// # API stability
//
// The package is internal to mati's tests.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The server's fixed, fake credentials and region.
const (
	// AccessKey is the root access key the server accepts.
	AccessKey = "matitestaccess"
	// SecretKey is the root secret key the server accepts.
	SecretKey = "matitestsecret0123456789"
	// Region is the region the server reports.
	Region = "us-east-1"
	// Version is the versitygw release installed when none is found.
	Version = "v1.8.0"
)

// Request is one request that reached the proxy.
type Request struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is the URL path, decoded: "/bucket/key" (path-style).
	Path string
	// Query is the raw query string, e.g. "list-type=2&prefix=a%2F".
	Query string
	// Range and IfMatch are the request's Range and If-Match headers.
	Range, IfMatch string
	// Status is the HTTP status answered, or 0 when the connection was cut
	// before the response ended.
	Status int
}

// Server is a running versitygw behind a recording, fault-injecting proxy.
// Its methods are safe for concurrent use.
type Server struct {
	endpoint string // the proxy
	direct   string // versitygw itself
	client   *s3.Client
	proxy    *httputil.ReverseProxy

	mu       sync.Mutex
	reqs     []Request
	slowDown int
	cuts     map[string]int64 // path -> bytes of body to send before cutting
	denied   map[string]bool  // path -> answer 403
	replaces map[string]*replacement

	replMu sync.Mutex // held while an object is being replaced
}

// replacement is a pending ReplaceBetweenReads.
type replacement struct {
	bucket, key string
	body        []byte
	seen        bool // the first GET went through
}

// Start starts versitygw and the proxy, and stops both in t.Cleanup. It
// finds versitygw in $VERSITYGW, else in bin/ at the module root, else
// installs it there (a few minutes, once). It fails t if the server does not
// come up.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := binary(t)
	root := t.TempDir()
	var direct string
	var lastErr error
	for range 3 {
		direct, lastErr = startGateway(t, bin, root)
		if lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("failed to start versitygw: %v", lastErr)
	}
	s := &Server{
		direct:   direct,
		cuts:     map[string]int64{},
		denied:   map[string]bool{},
		replaces: map[string]*replacement{},
	}
	s.client = s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(direct),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		HTTPClient:   &http.Client{Transport: &http.Transport{Proxy: nil}},
	})
	target, _ := url.Parse(direct)
	s.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host // the client signed the proxy's host
		},
		Transport:      &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 64},
		FlushInterval:  -1,
		ModifyResponse: s.modifyResponse,
		ErrorLog:       log.New(io.Discard, "", 0), // cut connections are expected
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("failed to listen: %v", err)
	}
	srv := &http.Server{Handler: s, ErrorLog: log.New(io.Discard, "", 0)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.endpoint = "http://" + ln.Addr().String()
	return s
}

// Endpoint returns the proxy's URL, e.g. "http://127.0.0.1:40123": the
// endpoint the code under test uses (with path-style addressing).
func (s *Server) Endpoint() string { return s.endpoint }

// SetEnv points the AWS SDK's default chain at the server's credentials
// and region, with no shared config files, no profile, no endpoint override
// and the instance metadata service disabled, so nothing leaves the machine.
// It uses t.Setenv, so the test must not be parallel.
func (s *Server) SetEnv(t testing.TB) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID":                      AccessKey,
		"AWS_SECRET_ACCESS_KEY":                  SecretKey,
		"AWS_SESSION_TOKEN":                      "",
		"AWS_REGION":                             Region,
		"AWS_DEFAULT_REGION":                     "",
		"AWS_PROFILE":                            "",
		"AWS_DEFAULT_PROFILE":                    "",
		"AWS_EC2_METADATA_DISABLED":              "true",
		"AWS_CONFIG_FILE":                        filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE":            filepath.Join(dir, "credentials"),
		"AWS_ENDPOINT_URL":                       "",
		"AWS_ENDPOINT_URL_S3":                    "",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI":     "",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE":            "",
	} {
		t.Setenv(k, v)
	}
}

// CreateBucket creates a bucket, directly on the server.
func (s *Server) CreateBucket(t testing.TB, bucket string) {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("failed to create bucket %q: %v", bucket, err)
	}
}

// PutObject stores body as bucket/key, directly on the server.
func (s *Server) PutObject(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	if err := s.put(bucket, key, bytes.NewReader(body)); err != nil {
		t.Fatalf("failed to put %q: %v", bucket+"/"+key, err)
	}
}

// PutFile stores the file at path as bucket/key, directly on the server.
func (s *Server) PutFile(t testing.TB, bucket, key, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := s.put(bucket, key, f); err != nil {
		t.Fatalf("failed to put %q: %v", bucket+"/"+key, err)
	}
}

func (s *Server) put(bucket, key string, body io.ReadSeeker) error {
	_, err := s.client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: body,
	})
	return err
}

// Requests returns the requests the proxy received, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

// SlowDown makes the proxy answer the next n requests with 503 SlowDown.
func (s *Server) SlowDown(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowDown = n
}

// CutAfter makes the proxy cut the connection of the next GET of bucket/key
// whose body is longer than k bytes, after sending k bytes of it. It
// happens once.
func (s *Server) CutAfter(bucket, key string, k int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cuts[objectPath(bucket, key)] = k
}

// Deny makes the proxy answer 403 AccessDenied to every request for
// bucket/key.
func (s *Server) Deny(bucket, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[objectPath(bucket, key)] = true
}

// ReplaceBetweenReads replaces bucket/key with body after the first GET of
// it has been answered and before the second one is forwarded, so the
// object changes between two ranged reads. It happens once.
func (s *Server) ReplaceBetweenReads(bucket, key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replaces[objectPath(bucket, key)] = &replacement{bucket: bucket, key: key, body: body}
}

func objectPath(bucket, key string) string { return "/" + bucket + "/" + key }

// ServeHTTP records the request, applies any fault and forwards it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Range: r.Header.Get("Range"), IfMatch: r.Header.Get("If-Match")}
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		rec.Status = sw.status
		if !sw.done {
			rec.Status = 0
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, rec)
		s.mu.Unlock()
	}()

	s.mu.Lock()
	slow := s.slowDown > 0
	if slow {
		s.slowDown--
	}
	denied := s.denied[r.URL.Path]
	repl := s.replaces[r.URL.Path]
	s.mu.Unlock()

	switch {
	case slow:
		writeError(sw, r, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return
	case denied:
		writeError(sw, r, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if repl != nil && r.Method == http.MethodGet {
		s.replMu.Lock()
		if !repl.seen {
			repl.seen = true
		} else if repl.body != nil {
			if err := s.put(repl.bucket, repl.key, bytes.NewReader(repl.body)); err != nil {
				s.replMu.Unlock()
				writeError(sw, r, http.StatusInternalServerError, "InternalError", "s3test: replace failed: "+err.Error())
				return
			}
			repl.body = nil
		}
		s.replMu.Unlock()
	}
	s.proxy.ServeHTTP(sw, r)
	sw.done = true
}

// modifyResponse arms a pending cut on a GET body long enough to cut.
func (s *Server) modifyResponse(resp *http.Response) error {
	if resp.Request.Method != http.MethodGet {
		return nil
	}
	p := resp.Request.URL.Path
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.cuts[p]
	if !ok || resp.ContentLength <= k {
		return nil
	}
	delete(s.cuts, p)
	resp.Body = &cutBody{rc: resp.Body, left: k}
	return nil
}

// cutBody fails after left bytes; the reverse proxy then aborts the
// connection, as a dropped connection would.
type cutBody struct {
	rc   io.ReadCloser
	left int64
}

func (c *cutBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errors.New("s3test: connection cut")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cutBody) Close() error { return c.rc.Close() }

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
	done   bool // the handler returned normally
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush lets the reverse proxy flush through the wrapper.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// writeError answers with an S3 XML error (no body for HEAD).
func writeError(w *statusWriter, r *http.Request, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>s3test</RequestId></Error>`,
			code, msg, r.URL.Path)
	}
	w.done = true
}

// startGateway starts versitygw on a free port and waits until it answers.
func startGateway(t testing.TB, bin, root string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	data := filepath.Join(root, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return "", err
	}
	var output bytes.Buffer
	cmd := exec.Command(bin, "--port", addr, "--access", AccessKey, "--secret", SecretKey,
		"--region", Region, "--quiet", "posix", data)
	cmd.Stdout = &syncWriter{w: &output}
	cmd.Stderr = cmd.Stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}
	endpoint := "http://" + addr
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(endpoint + "/")
		if err == nil {
			resp.Body.Close()
			t.Cleanup(stop)
			return endpoint, nil
		}
		select {
		case <-exited:
			return "", fmt.Errorf("versitygw exited at start-up: %s", strings.TrimSpace(output.String()))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", fmt.Errorf("versitygw did not answer on %s within 30s", addr)
		}
	}
}

// syncWriter serialises writes from the process's two output streams.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

var installMu sync.Mutex

// binary returns the versitygw executable, installing it into bin/ at the
// module root when it is missing.
func binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("failed to find the module root: %v", err)
	}
	bin := filepath.Join(root, "bin")
	p := filepath.Join(bin, "versitygw")
	installMu.Lock()
	defer installMu.Unlock()
	if _, err := os.Stat(p); err == nil {
		return p
	}
	t.Logf("installing versitygw %s into %s (a few minutes, once)", Version, bin)
	cmd := exec.Command("go", "install", "github.com/versity/versitygw/cmd/versitygw@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("failed to install versitygw: %v\n%s", err, out)
	}
	return p
}

// moduleRoot walks up from the working directory to the folder holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
