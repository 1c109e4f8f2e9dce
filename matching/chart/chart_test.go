package chart

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"testing"

	"github.com/convivo/convivo/matching"
)

func TestPNGSizeAndContent(t *testing.T) {
	for _, n := range []int{1, 5, 12} {
		bars := make([]matching.Bar, n)
		for i := range bars {
			bars[i] = matching.Bar{Label: "Fattore con un nome lungo", Value: float64(20 - 4*i)}
		}
		data, err := PNG("Perché questo abbinamento", bars)
		if err != nil {
			t.Fatalf("PNG(%d bars) error: %v", n, err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("PNG(%d bars) does not decode: %v", n, err)
		}
		w, h := Size(n)
		if got := img.Bounds().Size(); got != (image.Point{X: w, Y: h}) {
			t.Errorf("PNG(%d bars) size = %v; want %dx%d", n, got, w, h)
		}
		raised, lowered := countColours(img)
		if raised < 500 {
			t.Errorf("PNG(%d bars) has %d green pixels; want the positive bars drawn", n, raised)
		}
		if n > 5 && lowered < 500 {
			t.Errorf("PNG(%d bars) has %d orange pixels; want the negative bars drawn", n, lowered)
		}
	}
}

// countColours counts pixels in the bar colours.
func countColours(img image.Image) (raised, lowered int) {
	up, down := raise(), lower()
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			switch {
			case r>>8 == uint32(up.R) && g>>8 == uint32(up.G) && bl>>8 == uint32(up.B):
				raised++
			case r>>8 == uint32(down.R) && g>>8 == uint32(down.G) && bl>>8 == uint32(down.B):
				lowered++
			}
		}
	}
	return raised, lowered
}

func TestPNGErrors(t *testing.T) {
	if _, err := PNG("t", nil); !errors.Is(err, ErrNoBars) {
		t.Errorf("PNG(no bars) error = %v; want ErrNoBars", err)
	}
	if _, err := PNG("t", make([]matching.Bar, MaxBars+1)); err == nil {
		t.Errorf("PNG(%d bars) error = nil; want an error", MaxBars+1)
	}
}

func TestPNGFromExplanation(t *testing.T) {
	e := matching.Explanation{Score: 640, Factors: []matching.Contribution{
		{Key: matching.BaselineKey, Contribution: 500},
		{Key: "factor.tidiness", Contribution: 90, AB: 45, BA: 45},
		{Key: "factor.smoking", Contribution: -30, AB: -30},
		{Key: "factor.languages", Contribution: 80, AB: 40, BA: 40},
	}}
	bars := e.Bars(func(k string) string { return k + "!" })
	data, err := PNG("t", bars)
	if err != nil {
		t.Fatalf("PNG(explanation bars) error: %v", err)
	}
	if len(data) < 2000 {
		t.Errorf("PNG(explanation bars) is %d bytes; want a non-trivial image", len(data))
	}
}

// TestWriteSample writes a sample chart to $CHART_SAMPLE for a look by eye.
func TestWriteSample(t *testing.T) {
	path := os.Getenv("CHART_SAMPLE")
	if path == "" {
		t.Skip("set CHART_SAMPLE=file.png to write a sample")
	}
	data, err := PNG("Anna e Bea: 782", []matching.Bar{{Label: "Ordine in casa", Value: 9.1},
		{Label: "Lingue", Value: 7.4}, {Label: "Fumo", Value: -5.2}, {Label: "Orari del sonno", Value: 3},
		{Label: "Budget", Value: -1.1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
