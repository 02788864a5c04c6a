package ptytest

import "strings"

// Queries returns the escape sequences in out that ask the terminal for an
// answer (which a program then waits for): OSC queries such as OSC 11 ;?
// (background colour), device status and cursor position reports (CSI n),
// device attributes (CSI c), window reports (CSI t), mode requests
// (CSI $p), the kitty keyboard query (CSI ? u), XTVERSION (CSI > q), any
// DCS (XTGETTCAP, DECRQSS) and DECID (ESC Z). Colour (SGR) and erase
// sequences are not queries.
func Queries(out string) []string {
	var found []string
	for i := 0; i < len(out); i++ {
		if out[i] != 0x1b || i+1 >= len(out) {
			continue
		}
		start := i
		switch out[i+1] {
		case ']', 'P': // OSC, DCS: up to BEL or ST (ESC \)
			end := len(out)
			if j := strings.IndexAny(out[i+2:], "\a\x1b"); j >= 0 {
				end = i + 2 + j + 1
				if out[end-1] == 0x1b && end < len(out) {
					end++
				}
			}
			seq := out[start:end]
			if out[i+1] == 'P' || strings.Contains(seq, "?") {
				found = append(found, seq)
			}
			i = end - 1
		case '[': // CSI: parameters and intermediates, then a final byte
			j := i + 2
			for j < len(out) && (out[j] < 0x40 || out[j] > 0x7e) {
				j++
			}
			if j >= len(out) {
				found = append(found, out[start:]) // cut off: count it
				return found
			}
			seq, params, final := out[start:j+1], out[i+2:j], out[j]
			switch {
			case final == 'n', final == 'c', final == 't',
				final == 'p' && strings.Contains(params, "$"),
				final == 'u' && strings.HasPrefix(params, "?"),
				final == 'q' && strings.HasPrefix(params, ">"):
				found = append(found, seq)
			}
			i = j
		case 'Z':
			found = append(found, out[start:i+2])
			i++
		}
	}
	return found
}
