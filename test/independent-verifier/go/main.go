// Command checker verifies a Tradelane transparency log export with golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog (Debian: golang-go golang-golang-x-mod-dev), independently of the
// TypeScript engine that produced it. Input: one JSON document on stdin (see ../go-verifier.test.ts).
// Output: "ok <n> checks" and exit status 0, or the first failures and exit status 1.
//
// Run (GOPATH mode, fully offline):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run ./main.go < export.json
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type export struct {
	VerifierKey  string   `json:"vkey"`
	Origin       string   `json:"origin"`
	Entries      []string `json:"entries_b64"`
	StoredHashes string   `json:"stored_hashes_b64"`
	Checkpoints  []string `json:"checkpoints"`
	Inclusion    []struct {
		Index int64    `json:"index"`
		Size  int64    `json:"size"`
		Proof []string `json:"proof"`
	} `json:"inclusion"`
	Consistency []struct {
		Size1 int64    `json:"size1"`
		Size2 int64    `json:"size2"`
		Proof []string `json:"proof"`
	} `json:"consistency"`
	Tiles []struct {
		Level int    `json:"level"`
		Index int64  `json:"index"`
		Width int    `json:"width"`
		Path  string `json:"path"`
		Data  string `json:"data_b64"`
	} `json:"tiles"`
}

var checks, failures int

func check(ok bool, format string, args ...interface{}) {
	checks++
	if !ok {
		failures++
		if failures <= 20 {
			fmt.Printf("FAIL: "+format+"\n", args...)
		}
	}
}

func mustB64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		fmt.Println("bad base64 in input:", err)
		os.Exit(2)
	}
	return b
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		b := mustB64(s)
		if len(b) != tlog.HashSize {
			fmt.Println("proof hash is not 32 bytes")
			os.Exit(2)
		}
		copy(out[i][:], b)
	}
	return out
}

func main() {
	var in export
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Println("bad input:", err)
		os.Exit(2)
	}

	// 1. Signed checkpoints: note.Open with the log's verifier key, then the three body lines.
	verifier, err := note.NewVerifier(in.VerifierKey)
	check(err == nil, "verifier key: %v", err)
	if err != nil {
		os.Exit(1)
	}
	roots := map[int64]tlog.Hash{}
	for _, text := range in.Checkpoints {
		n, err := note.Open([]byte(text), note.VerifierList(verifier))
		check(err == nil, "note.Open: %v", err)
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
		check(len(lines) == 3 && lines[0] == in.Origin, "checkpoint body %q", n.Text)
		size, err := strconv.ParseInt(lines[1], 10, 64)
		check(err == nil, "tree size %q", lines[1])
		root, err := base64.StdEncoding.DecodeString(lines[2])
		check(err == nil && len(root) == tlog.HashSize, "root hash %q", lines[2])
		var h tlog.Hash
		copy(h[:], root)
		roots[size] = h
	}

	// 2. Stored hashes: recompute the whole stored-hash array with tlog.StoredHashes, byte for byte.
	var mine []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = mine[x]
		}
		return out, nil
	})
	entries := make([][]byte, len(in.Entries))
	for i, e := range in.Entries {
		entries[i] = mustB64(e)
		added, err := tlog.StoredHashes(int64(i), entries[i], reader)
		check(err == nil, "StoredHashes(%d): %v", i, err)
		mine = append(mine, added...)
	}
	theirs := mustB64(in.StoredHashes)
	check(len(theirs) == len(mine)*tlog.HashSize, "stored hash count: engine %d, x/mod %d", len(theirs)/tlog.HashSize, len(mine))
	for i := range mine {
		if (i+1)*tlog.HashSize <= len(theirs) {
			check(bytes.Equal(mine[i][:], theirs[i*tlog.HashSize:(i+1)*tlog.HashSize]), "stored hash %d differs", i)
		}
	}
	for size, root := range roots {
		th, err := tlog.TreeHash(size, reader)
		check(err == nil && th == root, "tree hash at size %d", size)
	}

	// 3. Inclusion proofs: CheckRecord against the signed root; ProveRecord must give the same proof.
	for _, p := range in.Inclusion {
		root, ok := roots[p.Size]
		check(ok, "no checkpoint for size %d", p.Size)
		proof := hashes(p.Proof)
		err := tlog.CheckRecord(proof, p.Size, root, p.Index, tlog.RecordHash(entries[p.Index]))
		check(err == nil, "CheckRecord(index %d, size %d): %v", p.Index, p.Size, err)
		again, err := tlog.ProveRecord(p.Size, p.Index, reader)
		check(err == nil && fmt.Sprint(again) == fmt.Sprint(tlog.RecordProof(proof)), "ProveRecord(%d, %d) differs", p.Index, p.Size)
		if len(proof) > 0 {
			proof[0][0] ^= 1
			check(tlog.CheckRecord(proof, p.Size, root, p.Index, tlog.RecordHash(entries[p.Index])) != nil, "tampered inclusion proof accepted")
		}
	}

	// 4. Consistency proofs: CheckTree between the two signed roots; ProveTree must agree.
	for _, p := range in.Consistency {
		proof := hashes(p.Proof)
		err := tlog.CheckTree(proof, p.Size2, roots[p.Size2], p.Size1, roots[p.Size1])
		check(err == nil, "CheckTree(%d -> %d): %v", p.Size1, p.Size2, err)
		again, err := tlog.ProveTree(p.Size2, p.Size1, reader)
		check(err == nil && fmt.Sprint(again) == fmt.Sprint(tlog.TreeProof(proof)), "ProveTree(%d, %d) differs", p.Size2, p.Size1)
	}

	// 5. Tiles (height 8): the same bytes as tlog.ReadTileData, and the same hashes (tlog-tiles and
	//    sumdb tiles share content; only the URL layout differs).
	for _, t := range in.Tiles {
		tile := tlog.Tile{H: 8, L: t.Level, N: t.Index, W: t.Width}
		data, err := tlog.ReadTileData(tile, reader)
		check(err == nil && bytes.Equal(data, mustB64(t.Data)), "tile %s content differs", t.Path)
	}

	if failures > 0 {
		fmt.Printf("%d of %d checks failed\n", failures, checks)
		os.Exit(1)
	}
	fmt.Printf("ok %d checks\n", checks)
}
