package chart

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"math"
	"os"
	"testing"
	"time"
)

// trendPoints returns n nightly points rising through the levels.
func trendPoints(n int) []Point {
	start := time.Date(2026, 10, 1, 3, 0, 0, 0, time.UTC)
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = Point{At: start.AddDate(0, 0, i), Value: float64(5 * i), Level: min(i*4/max(n, 1), MaxLevel)}
	}
	return pts
}

func TestTrendSizeAndContent(t *testing.T) {
	for _, n := range []int{1, 2, 10, 60} {
		data, err := Trend("Andamento", trendPoints(n))
		if err != nil {
			t.Fatalf("Trend(%d points) error: %v", n, err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Trend(%d points) does not decode: %v", n, err)
		}
		if got := img.Bounds().Size(); got != (image.Point{X: TrendWidth, Y: TrendHeight}) {
			t.Errorf("Trend(%d points) size = %v; want %dx%d", n, got, TrendWidth, TrendHeight)
		}
		if got := countColour(img, levelColour(0)); got < 20 {
			t.Errorf("Trend(%d points) has %d grey pixels; want the first dot drawn", n, got)
		}
		if n >= 10 {
			if got := countColour(img, levelColour(MaxLevel)); got < 20 {
				t.Errorf("Trend(%d points) has %d red pixels; want the last dots drawn", n, got)
			}
		}
	}
}

func TestTrendUnsorted(t *testing.T) {
	pts := trendPoints(5)
	rev := []Point{pts[4], pts[2], pts[0], pts[3], pts[1]}
	a, err := Trend("x", pts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Trend("x", rev)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("Trend of the same points in another order drew another image")
	}
}

func TestTrendErrors(t *testing.T) {
	at := time.Date(2026, 10, 1, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		pts  []Point
	}{
		{"none", nil},
		{"too many", trendPoints(MaxPoints + 1)},
		{"NaN", []Point{{At: at, Value: math.NaN()}}},
		{"infinite", []Point{{At: at, Value: math.Inf(1)}}},
		{"negative level", []Point{{At: at, Value: 1, Level: -1}}},
		{"level too high", []Point{{At: at, Value: 1, Level: MaxLevel + 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Trend("x", tc.pts); err == nil {
				t.Errorf("Trend(%s) = nil error; want one", tc.name)
			}
		})
	}
	if _, err := Trend("x", nil); !errors.Is(err, ErrNoPoints) {
		t.Errorf("Trend(no points) = %v; want ErrNoPoints", err)
	}
}

// TestWriteTrendSample writes a sample trend to $TREND_SAMPLE for a look
// by eye.
func TestWriteTrendSample(t *testing.T) {
	path := os.Getenv("TREND_SAMPLE")
	if path == "" {
		t.Skip("set TREND_SAMPLE=file.png to write a sample")
	}
	data, err := Trend("BO-0142 · andamento", trendPoints(21))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// countColour counts the pixels of colour c.
func countColour(img image.Image, c interface{ RGBA() (r, g, b, a uint32) }) int {
	want := [3]uint32{}
	r, g, b, _ := c.RGBA()
	want[0], want[1], want[2] = r>>8, g>>8, b>>8
	n := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if [3]uint32{r >> 8, g >> 8, b >> 8} == want {
				n++
			}
		}
	}
	return n
}
