package dataset

import (
	"bytes"
	"testing"
)

// bolognaSize is a programme the size of Bologna's in a year.
var bolognaSize = SeedParams{People: 650, Homes: 200, Seed: 1}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(bolognaSize)
	}
}

func BenchmarkReadPeopleCSV(b *testing.B) {
	var buf bytes.Buffer
	if err := WritePeopleCSV(&buf, Generate(bolognaSize).People); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadPeopleCSV(bytes.NewReader(buf.Bytes()), nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadJSON(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Generate(bolognaSize)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadJSON(bytes.NewReader(buf.Bytes()), nil); err != nil {
			b.Fatal(err)
		}
	}
}
