package codec

import "testing"

// An internal test, so that the package is compiled again for its test binary
// (`# example.com/x/codec [example.com/x/codec.test]`).
func TestDecodeRejectsUnknownFields(t *testing.T) {
	var m Manifest
	if err := Decode([]byte("name: a\nreplika: 3\n"), &m); err == nil {
		t.Fatal("an unknown field was accepted")
	}
}
