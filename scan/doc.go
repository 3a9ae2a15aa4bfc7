// Package scan audits many artifacts at once: it finds the artifacts under
// local folders, S3 prefixes or an S3 Inventory report, keeps those the
// include and exclude globs and the shard select, and inspects them with a
// pool of workers, reusing earlier results from a cache when an artifact has
// not changed.
//
// It sits between the command line and package rules: it lists and
// schedules, the given inspect function judges, and the caller renders each
// [Outcome] as it arrives. It prints nothing.
//
// # Listing
//
// A [Lister] yields [Item] values: [Local] walks a folder (or names one
// file), [S3] lists a prefix page by page, and [Inventory] reads the CSV or
// CSV.GZ files of an S3 Inventory report instead of listing.
//
// # Selection
//
// [Filter] matches globs on [Item.Key] (see [Match]); [Shard] keeps the
// items whose reference hashes to it, so N shards cover a bucket with no
// overlap and no gap; [ResolveShard] reads the shard from a flag or from the
// index a batch engine sets.
//
// # Running
//
// [Run] lists, selects, deduplicates and inspects; [Cache] remembers results
// keyed by location, size, ETag or modification time and a fingerprint of
// mati's version, the rule set and the configuration.
//
// # API stability
//
// The package is importable, but its API is not stable.
package scan
