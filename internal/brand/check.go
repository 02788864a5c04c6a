package brand

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// FileResult is the outcome of checking one brand file.
type FileResult struct {
	Path     string
	Config   *Config
	Problems []Problem
	// Unreadable: the file was not read (skipped or unreadable); its one
	// problem says why.
	Unreadable bool
	pos        Positions
}

// Valid reports whether the file has no errors.
func (r FileResult) Valid() bool { return !HasErrors(r.Problems) }

// CheckFile parses and validates one brand file. path is used for messages
// and for the rule that the file is named after its brand.
func CheckFile(path string, data []byte) FileResult {
	cfg, pos, structural := Decode(data)
	res := FileResult{Path: path, Config: cfg, pos: pos}
	for _, p := range structural {
		p.File = path
		res.Problems = append(res.Problems, p)
	}
	if !HasErrors(structural) || cfg.Brand != "" {
		for _, fp := range cfg.Validate() {
			if structuralAt(structural, fp.Field) {
				continue // already reported where it was written
			}
			res.addAt(fp.Field, fp.Severity, fp.Message)
		}
	}
	if cfg.Brand != "" && ValidateName(cfg.Brand) == nil {
		base := filepath.Base(path)
		stem := strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
		if stem != cfg.Brand {
			res.addAt("brand", SeverityError,
				fmt.Sprintf("brand: %q does not match the file name %q; rename the file to %s.yaml", cfg.Brand, base, cfg.Brand))
		}
	}
	sortProblems(res.Problems)
	return res
}

// AddProblem records a problem found after the check (online, say) at the
// place of field in the file, keeping the problems in file order.
func (r *FileResult) AddProblem(field string, sev Severity, message string) {
	r.addAt(field, sev, message)
	sortProblems(r.Problems)
}

// addAt appends a problem placed at field (or its nearest parent).
func (r *FileResult) addAt(field string, sev Severity, message string) {
	p := r.pos.Lookup(field)
	r.Problems = append(r.Problems, Problem{File: r.Path, Line: p.Line, Column: p.Column,
		Severity: sev, Field: field, Message: message})
}

// structuralAt is true when decoding already reported field (or its
// parent): a wrong type should not also be reported as "is required".
func structuralAt(structural []Problem, field string) bool {
	for _, p := range structural {
		if p.Field == "" {
			continue
		}
		if p.Field == field || strings.HasPrefix(field, p.Field+".") || strings.HasPrefix(field, p.Field+"[") {
			return true // the field itself, or its section, could not be read
		}
		if strings.HasPrefix(p.Field, field+".") {
			return true // a finding about a whole section whose content could not be read
		}
	}
	return false
}

// CrossCheck adds the problems that only show across files: two files
// claiming the same brand.
func CrossCheck(results []FileResult) {
	first := map[string]int{}
	for i := range results {
		name := results[i].Config.Brand
		if name == "" {
			continue
		}
		j, dup := first[name]
		if !dup {
			first[name] = i
			continue
		}
		p := results[i].pos.Lookup("brand")
		results[i].Problems = append(results[i].Problems, Problem{File: results[i].Path, Line: p.Line, Column: p.Column,
			Severity: SeverityError, Field: "brand",
			Message: fmt.Sprintf("brand: %q is also defined in %s; each brand needs exactly one file", name, results[j].Path)})
		sortProblems(results[i].Problems)
	}
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(a, b int) bool {
		if ps[a].Line != ps[b].Line {
			return ps[a].Line < ps[b].Line
		}
		return ps[a].Column < ps[b].Column
	})
}

// UnreadableFile is the result for a file that could not be read, or was
// skipped as unsafe to read: one error, at the top of the file, saying why.
func UnreadableFile(path, reason string) FileResult {
	return FileResult{Path: path, Config: &Config{}, Unreadable: true, Problems: []Problem{{
		File: path, Line: 1, Column: 1, Severity: SeverityError, Message: reason,
	}}}
}
