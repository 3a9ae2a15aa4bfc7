package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The local S3 server's fixed test credentials and bucket.
const (
	s3AccessKey = "matibenchaccess"
	s3SecretKey = "matibenchsecret0123456789"
	s3Region    = "us-east-1"
	s3Bucket    = "bench"
)

// s3Server is a versitygw process serving a posix folder on loopback.
type s3Server struct {
	endpoint string // http://127.0.0.1:PORT
	cmd      *exec.Cmd
	exited   chan struct{}
	log      *os.File
	client   *s3.Client
}

// startS3 starts versitygw with its posix backend in dir/s3 on a free
// loopback port, waits until it accepts connections and creates the bench
// bucket. The caller must call stop.
func startS3(ctx context.Context, versitygw, dir string) (*s3Server, error) {
	root := filepath.Join(dir, "s3")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("failed to find a free port: %w", err)
	}
	log, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	cmd := exec.Command(versitygw, "--port", addr, "--access", s3AccessKey, "--secret", s3SecretKey,
		"--region", s3Region, "--quiet", "posix", root)
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("failed to start versitygw: %w", err)
	}
	s := &s3Server{endpoint: "http://" + addr, cmd: cmd, exited: make(chan struct{}), log: log}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-s.exited:
			s.stop()
			return nil, fmt.Errorf("versitygw exited at start-up:\n%s", indent(s.logTail()))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("versitygw did not listen on %s within 30s:\n%s", addr, indent(s.logTail()))
		}
	}
	s.client = s3.New(s3.Options{
		Region:                     s3Region,
		BaseEndpoint:               aws.String(s.endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(s3AccessKey, s3SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	if _, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(s3Bucket)}); err != nil {
		s.stop()
		return nil, fmt.Errorf("failed to create bucket %q: %w", s3Bucket, err)
	}
	return s, nil
}

// stop terminates the server and waits for it.
func (s *s3Server) stop() {
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	s.log.Close()
}

// logTail returns the end of the server's log.
func (s *s3Server) logTail() string {
	b, _ := os.ReadFile(s.log.Name())
	if len(b) > 2048 {
		b = b[len(b)-2048:]
	}
	return strings.TrimSpace(string(b))
}

// env returns the environment a mati child needs to reach the server with
// the test credentials and nothing from the user's AWS configuration.
func (s *s3Server) env(dir string) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + s3AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s3SecretKey,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=" + s3Region,
		"AWS_PROFILE=",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "no-aws-credentials"),
	}
}

// put uploads file as key.
func (s *s3Server) put(ctx context.Context, key, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        aws.String(s3Bucket),
		Key:           aws.String(key),
		Body:          f,
		ContentLength: aws.Int64(fi.Size()),
	})
	if err != nil {
		return fmt.Errorf("failed to upload %q: %w", key, err)
	}
	return nil
}

// putTree uploads every file under dir as prefix + its slash-separated
// relative path, eight at a time.
func (s *s3Server) putTree(ctx context.Context, dir, prefix string) error {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return err
	}
	work := make(chan string)
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for w := range errs {
		wg.Go(func() {
			for p := range work {
				if errs[w] != nil {
					continue
				}
				rel, _ := filepath.Rel(dir, p)
				errs[w] = s.put(ctx, prefix+filepath.ToSlash(rel), p)
			}
		})
	}
	for _, p := range files {
		work <- p
	}
	close(work)
	wg.Wait()
	return errors.Join(errs...)
}

// freePort returns a loopback TCP port nobody listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
