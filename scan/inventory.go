package scan

// The rules for S3 Inventory input are:
//   - The manifest (manifest.json) names the data files in files[].key,
//     keys of the destination bucket (destinationBucket, an ARN), and their
//     columns in fileSchema, e.g. "Bucket, Key, Size, LastModifiedDate,
//     ETag". Only the CSV format is read; ORC and Parquet are refused.
//   - A data file is gzip-compressed or not, detected by its magic bytes.
//   - Object keys in the CSV are URL-encoded: they are decoded.
//   - With a versioned inventory, delete markers and versions that are not
//     the latest are skipped.
//   - A manifest on S3 has its data files read from S3. A local manifest
//     has them read from a local copy of the report when one is found near
//     it (the longest tail of the key that exists under the manifest's
//     folder or one of its ancestors: "data/x.csv.gz" beside the dated
//     folder, as "aws s3 sync" copies a report, or the bare file name),
//     else from S3.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/mati-dev/mati/artifact"
)

// Manifest is the part of an S3 Inventory manifest.json that a scan reads.
type Manifest struct {
	// SourceBucket is the bucket the inventory lists.
	SourceBucket string `json:"sourceBucket"`
	// DestinationBucket is the ARN of the bucket holding the report, e.g.
	// "arn:aws:s3:::inventory-bucket".
	DestinationBucket string `json:"destinationBucket"`
	// FileFormat is "CSV", "ORC" or "Parquet".
	FileFormat string `json:"fileFormat"`
	// FileSchema names the CSV columns, comma-separated, e.g. "Bucket, Key,
	// Size".
	FileSchema string `json:"fileSchema"`
	// Files are the data files.
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one data file of an inventory report.
type ManifestFile struct {
	// Key is the data file's key in the destination bucket.
	Key string `json:"key"`
	// Size is its size in bytes.
	Size int64 `json:"size"`
}

// ParseManifest decodes a manifest.json and checks that a scan can use it:
// CSV format, a schema with Bucket and Key columns, and data file keys.
func ParseManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("failed to read the inventory manifest: %v", err)
	}
	if !strings.EqualFold(m.FileFormat, "CSV") {
		return m, fmt.Errorf("failed to read the inventory manifest: file format %q is not supported, only CSV", m.FileFormat)
	}
	cols := schemaColumns(m.FileSchema)
	if _, ok := cols["bucket"]; !ok {
		return m, fmt.Errorf("failed to read the inventory manifest: fileSchema %q has no Bucket column", m.FileSchema)
	}
	if _, ok := cols["key"]; !ok {
		return m, fmt.Errorf("failed to read the inventory manifest: fileSchema %q has no Key column", m.FileSchema)
	}
	for _, f := range m.Files {
		if f.Key == "" {
			return m, fmt.Errorf("failed to read the inventory manifest: a data file has no key")
		}
	}
	return m, nil
}

// schemaColumns maps lower-cased column names to their 0-based index.
func schemaColumns(schema string) map[string]int {
	cols := map[string]int{}
	for i, c := range strings.Split(schema, ",") {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
			cols[c] = i
		}
	}
	return cols
}

// destinationBucket is the bucket name in an ARN "arn:aws:s3:::bucket", or
// the value itself when it is not an ARN.
func destinationBucket(arn string) string {
	if i := strings.LastIndex(arn, ":::"); i >= 0 {
		return arn[i+3:]
	}
	return arn
}

// ReadInventoryCSV reads one data file of an inventory, gzip-compressed or
// not, with the columns named by schema (the manifest's fileSchema), and
// calls fn for each object with Ref "s3://bucket/key", Key (decoded), Size,
// ETag and ModTime as far as the schema has them. Rows for delete markers
// or for versions that are not the latest are skipped.
func ReadInventoryCSV(r io.Reader, schema string, fn func(Item) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("failed to read the inventory data: %v", err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	cols := schemaColumns(schema)
	col := func(rec []string, name string) string {
		if i, ok := cols[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("failed to read the inventory data: %v", err)
		}
		if strings.EqualFold(col(rec, "isdeletemarker"), "true") || strings.EqualFold(col(rec, "islatest"), "false") {
			continue
		}
		bucket := col(rec, "bucket")
		key, err := url.QueryUnescape(col(rec, "key"))
		if err != nil || bucket == "" || key == "" {
			return fmt.Errorf("failed to read the inventory data: line %d: bad bucket or key %q", line, col(rec, "key"))
		}
		it := Item{Ref: "s3://" + bucket + "/" + key, Key: key, ETag: strings.Trim(col(rec, "etag"), `"`)}
		if s := col(rec, "size"); s != "" {
			if it.Size, err = strconv.ParseInt(s, 10, 64); err != nil {
				return fmt.Errorf("failed to read the inventory data: line %d: bad size %q", line, s)
			}
		}
		if s := col(rec, "lastmodifieddate"); s != "" {
			if it.ModTime, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return fmt.Errorf("failed to read the inventory data: line %d: bad last modified date %q", line, s)
			}
		}
		if err := fn(it); err != nil {
			return err
		}
	}
}

// Inventory returns the lister of an S3 Inventory report: manifest is the
// manifest.json, a local path or "s3://bucket/key". When prefixes are given
// (s3://bucket/prefix references), only objects under one of them are
// listed. Objects come in the order of the data files and their rows; keys
// ending in "/" are skipped.
func Inventory(manifest string, opts artifact.S3Options, prefixes []string) Lister {
	return inventory{manifest: manifest, opts: opts, prefixes: prefixes}
}

type inventory struct {
	manifest string
	opts     artifact.S3Options
	prefixes []string
}

func (l inventory) Name() string { return l.manifest }

func (l inventory) List(ctx context.Context, fn func(Item) error) error {
	b, err := l.read(ctx, l.manifest)
	if err != nil {
		return err
	}
	m, err := ParseManifest(b)
	if err != nil {
		return fmt.Errorf("%q: %w", l.manifest, err)
	}
	for _, f := range m.Files {
		ref := l.dataFile(m, f.Key)
		src, err := artifact.Parse(ref, artifact.Options{S3: l.opts})
		if err != nil {
			return fmt.Errorf("failed to read the inventory data %q: %w", ref, err)
		}
		rc, err := src.Open(ctx)
		if err != nil {
			return fmt.Errorf("failed to read the inventory data %q: %w", ref, err)
		}
		err = ReadInventoryCSV(rc, m.FileSchema, func(it Item) error {
			if strings.HasSuffix(it.Key, "/") || !l.under(it.Ref) {
				return nil
			}
			return fn(it)
		})
		rc.Close()
		if err != nil {
			return fmt.Errorf("%q: %w", ref, err)
		}
	}
	return nil
}

// under reports whether ref is under one of the prefixes, or whether no
// prefix is given.
func (l inventory) under(ref string) bool {
	if len(l.prefixes) == 0 {
		return true
	}
	for _, p := range l.prefixes {
		if strings.HasPrefix(ref, p) {
			return true
		}
	}
	return false
}

// read reads a whole small file (the manifest), local or on S3.
func (l inventory) read(ctx context.Context, ref string) ([]byte, error) {
	src, err := artifact.Parse(ref, artifact.Options{S3: l.opts})
	if err != nil {
		return nil, err
	}
	rc, err := src.Open(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("failed to read %q: %w", ref, err)
	}
	return b, nil
}

// dataFile returns where to read the data file key of manifest m from (see
// the rules at the top of this file).
func (l inventory) dataFile(m Manifest, key string) string {
	bucket := destinationBucket(m.DestinationBucket)
	if strings.HasPrefix(l.manifest, "s3://") {
		if bucket == "" {
			bucket, _, _ = strings.Cut(strings.TrimPrefix(l.manifest, "s3://"), "/")
		}
		return "s3://" + bucket + "/" + key
	}
	if p, ok := localDataFile(filepath.Dir(l.manifest), key); ok {
		return p
	}
	return "s3://" + bucket + "/" + key
}

// localDataFile finds a local copy of the data file key near a manifest in
// dir: the longest tail of key found under dir or one of its ancestors (at
// most 8 levels up).
func localDataFile(dir, key string) (string, bool) {
	elems := strings.Split(path.Clean(key), "/")
	exists := func(p string) bool {
		fi, err := os.Stat(p)
		return err == nil && fi.Mode().IsRegular()
	}
	for i := 0; i < len(elems); i++ {
		tail := filepath.FromSlash(strings.Join(elems[i:], "/"))
		for d, n := dir, 0; n < 8; d, n = filepath.Dir(d), n+1 {
			if p := filepath.Join(d, tail); exists(p) {
				return p, true
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", false
}
