package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Geometry of a trend chart, in pixels: small enough to sit under a
// message on a phone.
const (
	TrendWidth  = 640
	TrendHeight = 320
	MaxPoints   = 400 // points beyond this are an error: a year of nightly scores fits
	MaxLevel    = 3   // the highest Point.Level
)

// ErrNoPoints is returned for a trend without points.
var ErrNoPoints = errors.New("chart: no points to draw")

// Point is one value of a series at a time, e.g. a placement's nightly
// risk score. Level, from 0 to MaxLevel, picks the colour of its dot:
// grey, yellow, orange, red.
type Point struct {
	At    time.Time
	Value float64
	Level int
}

// levelColour returns the dot colour of level l.
func levelColour(l int) color.RGBA {
	switch l {
	case 1:
		return color.RGBA{R: 241, G: 196, B: 15, A: 255} // sunflower
	case 2:
		return lower() // carrot orange
	case 3:
		return color.RGBA{R: 192, G: 57, B: 43, A: 255} // pomegranate
	}
	return color.RGBA{R: 127, G: 140, B: 141, A: 255} // asbestos grey
}

// Trend draws points (in any order; they are sorted by time) as a line
// with a dot per point coloured by its level, dates on the horizontal
// axis (day/month, in each point's location), and returns a
// TrendWidth × TrendHeight PNG. It fails on no points, more than
// MaxPoints, a value that is not finite or a level outside 0..MaxLevel.
func Trend(title string, points []Point) ([]byte, error) {
	if len(points) == 0 {
		return nil, ErrNoPoints
	}
	if len(points) > MaxPoints {
		return nil, fmt.Errorf("chart: %d points, at most %d", len(points), MaxPoints)
	}
	p, err := newTrend(title, points)
	if err != nil {
		return nil, err
	}
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(
		vgimg.UseWH(pixels(TrendWidth), pixels(TrendHeight)), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))}
	pad := pixels(10)
	p.Draw(draw.Crop(draw.New(c), pad, -pad, pad/2, -pad/2))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// newTrend builds the trend plot: x is Unix seconds, y the value.
func newTrend(title string, points []Point) (*plot.Plot, error) {
	pts := slices.Clone(points)
	slices.SortStableFunc(pts, func(a, b Point) int { return a.At.Compare(b.At) })
	xys := make(plotter.XYs, len(pts))
	top := 1.0
	for i, pt := range pts {
		if math.IsNaN(pt.Value) || math.IsInf(pt.Value, 0) {
			return nil, fmt.Errorf("chart: point at %s has value %v", pt.At.Format(time.RFC3339), pt.Value)
		}
		if pt.Level < 0 || pt.Level > MaxLevel {
			return nil, fmt.Errorf("chart: point at %s has level %d, want 0 to %d", pt.At.Format(time.RFC3339), pt.Level, MaxLevel)
		}
		xys[i] = plotter.XY{X: float64(pt.At.Unix()), Y: pt.Value}
		top = max(top, pt.Value)
	}
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 16)
	p.Title.Padding = vg.Points(6)
	p.X.Tick.Label.Font = font.From(sans, 13)
	p.Y.Tick.Label.Font = font.From(sans, 13)
	loc := pts[0].At.Location()
	p.X.Tick.Marker = plot.TimeTicks{Format: "02/01", Time: func(t float64) time.Time { return time.Unix(int64(t), 0).In(loc) }}
	first, last := xys[0].X, xys[len(xys)-1].X
	span := max(last-first, 24*3600)
	p.X.Min, p.X.Max = first-span*0.05, first+span*1.05
	p.Y.Min, p.Y.Max = 0, top*1.15
	p.Add(plotter.NewGrid())
	line, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("chart: trend line: %w", err)
	}
	line.LineStyle.Width = vg.Points(2)
	line.LineStyle.Color = color.RGBA{R: 52, G: 73, B: 94, A: 255}
	p.Add(line)
	dots, err := plotter.NewScatter(xys)
	if err != nil {
		return nil, fmt.Errorf("chart: trend points: %w", err)
	}
	dots.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: levelColour(pts[i].Level), Radius: vg.Points(5), Shape: draw.CircleGlyph{}}
	}
	p.Add(dots)
	return p, nil
}
