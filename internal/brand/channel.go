package brand

import (
	"errors"
	"fmt"
)

// SetChannel records the channel account in a brand file's bytes and returns
// the new bytes, through Edit: comments, key order, blank lines and the
// alignment of trailing comments stay exactly as the user wrote them. When
// the file already records these values, data is returned unchanged (the
// same bytes), so a repeated `channel link` writes nothing. A file without a
// channel section gets one after the keys that come before it (at the end
// of a file ciamctl wrote).
// An empty AccountName leaves any recorded name alone.
func SetChannel(data []byte, ch Channel) ([]byte, error) {
	changes := []Change{{Path: "channel.source", Value: ch.Source}, {Path: "channel.accountId", Value: ch.AccountID}}
	if ch.AccountName != "" {
		changes = append(changes, Change{Path: "channel.accountName", Value: ch.AccountName})
	}
	out, err := Edit(data, changes)
	if err != nil {
		return nil, err
	}
	// The record must not break a valid file.
	if _, _, problems := Decode(out); HasErrors(problems) {
		if _, _, old := Decode(data); !HasErrors(old) {
			return nil, fmt.Errorf("recording the channel would break the brand file: %s", problems[0].Message)
		}
	}
	if got, _, _ := Decode(out); got.Channel == nil || got.Channel.AccountID != ch.AccountID {
		return nil, errors.New("recording the channel in the brand file failed: the edited file does not read back the same values")
	}
	return out, nil
}
