// Package chart draws a score's factor contributions as a PNG bar chart for
// the mediator's review message: one horizontal bar per factor, green for
// what raised the score and orange for what lowered it, largest first. It
// lives apart from package matching so that the solvers and the scoring do
// not carry gonum/plot's dependencies. The fonts are gonum/plot's embedded
// Liberation fonts, so no system fonts are needed. It does no I/O: bars in,
// bytes out.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/convivo/convivo/matching"
)

// Geometry of the image, in pixels, and its resolution.
const (
	Width     = 800 // image width
	RowHeight = 40  // height per bar
	Margin    = 80  // height for the title and the value axis
	DPI       = 96
	MaxBars   = 40 // bars beyond this are an error: the chart would not read on a phone
)

// raise is the colour of bars that raised the score (sea green).
func raise() color.RGBA { return color.RGBA{R: 46, G: 139, B: 87, A: 255} }

// lower is the colour of bars that lowered the score (carrot orange).
func lower() color.RGBA { return color.RGBA{R: 230, G: 126, B: 34, A: 255} }

// ErrNoBars is returned for a chart without bars.
var ErrNoBars = errors.New("chart: no bars to draw")

// Size returns the pixel size of the image PNG draws for n bars:
// Width × (Margin + RowHeight·n).
func Size(n int) (w, h int) { return Width, Margin + RowHeight*n }

// PNG draws bars (labels already translated, values signed, e.g. points out
// of 100 as matching.Explanation.Bars gives them) under title, the first
// bar on top, and returns the PNG. Text is at least 14 pt at 96 dpi, for a
// phone screen.
func PNG(title string, bars []matching.Bar) ([]byte, error) {
	if len(bars) == 0 {
		return nil, ErrNoBars
	}
	if len(bars) > MaxBars {
		return nil, fmt.Errorf("chart: %d bars, at most %d", len(bars), MaxBars)
	}
	p, err := newPlot(title, bars)
	if err != nil {
		return nil, err
	}
	w, h := Size(len(bars))
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(
		vgimg.UseWH(pixels(w), pixels(h)), vgimg.UseDPI(DPI), vgimg.UseBackgroundColor(color.White))}
	pad := pixels(12)
	p.Draw(draw.Crop(draw.New(c), pad, -pad, pad/2, -pad/2))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// pixels converts a pixel count to a length at DPI.
func pixels(n int) vg.Length { return vg.Length(n) * vg.Inch / DPI }

// newPlot builds the plot: positive and negative values as two bar charts
// on a nominal Y axis (bar i at y = n−1−i, so the first bar is on top).
func newPlot(title string, bars []matching.Bar) (*plot.Plot, error) {
	n := len(bars)
	pos, neg := make(plotter.Values, n), make(plotter.Values, n)
	labels := make([]string, n)
	limit := 1.0
	for i, b := range bars {
		if math.IsNaN(b.Value) || math.IsInf(b.Value, 0) {
			return nil, fmt.Errorf("chart: bar %q has value %v", b.Label, b.Value)
		}
		y := n - 1 - i
		labels[y] = b.Label
		if b.Value >= 0 {
			pos[y] = b.Value
		} else {
			neg[y] = b.Value
		}
		limit = max(limit, math.Abs(b.Value))
	}
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 18)
	p.Title.Padding = vg.Points(8)
	p.X.Tick.Label.Font = font.From(sans, 14)
	p.Y.Tick.Label.Font = font.From(sans, 15)
	p.X.Min, p.X.Max = -limit*1.3, limit*1.3
	p.Y.Padding = vg.Points(8)
	p.Add(plotter.NewGrid())
	for _, s := range []struct {
		vs plotter.Values
		c  color.Color
	}{{pos, raise()}, {neg, lower()}} {
		bc, err := plotter.NewBarChart(s.vs, vg.Points(RowHeight*0.45))
		if err != nil {
			return nil, fmt.Errorf("chart: bars: %w", err)
		}
		bc.Horizontal, bc.Color, bc.LineStyle.Width = true, s.c, 0
		p.Add(bc)
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, fmt.Errorf("chart: zero line: %w", err)
	}
	zero.LineStyle.Width = vg.Points(1.5)
	p.Add(zero)
	values, err := valueLabels(bars, sans)
	if err != nil {
		return nil, err
	}
	p.Add(values)
	p.NominalY(labels...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	return p, nil
}

// valueLabels writes each bar's value, signed and rounded, just past its end.
func valueLabels(bars []matching.Bar, f font.Font) (*plotter.Labels, error) {
	n := len(bars)
	var xys plotter.XYLabels
	for i, b := range bars {
		xy := plotter.XY{X: b.Value, Y: float64(n-1-i) - 0.18}
		xys.XYs = append(xys.XYs, xy)
		label := fmt.Sprintf(" %+.0f", b.Value) // spaces keep the text off the bar's end
		if b.Value < 0 {
			label = fmt.Sprintf("%+.0f ", b.Value)
		}
		xys.Labels = append(xys.Labels, label)
	}
	l, err := plotter.NewLabels(xys)
	if err != nil {
		return nil, fmt.Errorf("chart: value labels: %w", err)
	}
	for i, b := range bars {
		l.TextStyle[i].Font = font.From(f, 14)
		l.TextStyle[i].XAlign = draw.XLeft
		l.TextStyle[i].Color = raise()
		if b.Value < 0 {
			l.TextStyle[i].XAlign = draw.XRight
			l.TextStyle[i].Color = lower()
		}
	}
	return l, nil
}
