package imagecheck

import (
	"flag"
	"fmt"
	"testing"
)

// calibrate runs the sweeps that the thresholds in judge.go were chosen
// from: go test ./imagecheck -run Calibration -calibrate -v
var calibrate = flag.Bool("calibrate", false, "print the calibration sweeps")

func metricsOf(t testing.TB, data []byte) Metrics {
	t.Helper()
	r, _ := PurposeOther.Rules()
	r.MinShortSide = 0
	res := check(data, r, defaultLimits)
	if res.Metrics == nil {
		t.Fatalf("no metrics: %v", res.Findings)
	}
	return *res.Metrics
}

func show(name string, mt Metrics) {
	fmt.Printf("%-28s sharp %.3f tiles %4d noise %.2f glare %.4f colour %.4f chroma %.2f mean %3.0f dark %3.0f med %3.0f\n",
		name, mt.Sharpness, mt.ContentTiles, mt.Noise, mt.GlareFraction, mt.ColourFraction, mt.MeanChroma, mt.MeanLuma, mt.DarkLuma, mt.MedianLuma)
}

func TestCalibrationVariants(t *testing.T) {
	if !*calibrate {
		t.Skip("run with -calibrate")
	}
	base := certificate(1600, 1100, 1, false)
	w, h := float64(base.w), float64(base.h)
	variants := map[string]*rgb{
		"sharp":       base,
		"scan":        certificate(1600, 1100, 2, true),
		"gray":        grayscale(base, [3]float64{1, 1, 1}),
		"gray warm":   grayscale(base, [3]float64{1.0, 0.95, 0.82}),
		"gray blue":   grayscale(base, [3]float64{0.9, 0.97, 1.05}),
		"glare r25":   addGlare(base, w*0.4, h*0.45, 25),
		"glare r40":   addGlare(base, w*0.4, h*0.45, 40),
		"glare r60":   addGlare(base, w*0.6, h*0.5, 60),
		"glare r15":   addGlare(base, w*0.6, h*0.5, 15),
		"glare edge":  addGlare(base, 0, h*0.5, 60),
		"dark .18":    gain(base, 0.18),
		"dark .3":     gain(base, 0.3),
		"dark .45":    gain(base, 0.45),
		"over 1.3":    gain(base, 1.3),
		"over 2.5":    gain(base, 2.5),
		"over 7":      gain(base, 7),
		"scan over 7": gain(certificate(1600, 1100, 2, true), 7),
		"small":       shrink(base, 2),
		"gray glare":  addGlare(grayscale(base, [3]float64{1, 1, 1}), w*0.4, h*0.45, 40),
	}
	for _, name := range []string{"sharp", "scan", "gray", "gray warm", "gray blue", "glare r15", "glare r25", "glare r40", "glare r60", "glare edge", "gray glare",
		"dark .18", "dark .3", "dark .45", "over 1.3", "over 2.5", "over 7", "scan over 7", "small"} {
		img := variants[name].image()
		show(name+" jpg", metricsOf(t, encodeJPEG(t, img, 85)))
		show(name+" png", metricsOf(t, encodePNG(t, img)))
	}
}

func TestCalibrationNoise(t *testing.T) {
	if !*calibrate {
		t.Skip("run with -calibrate")
	}
	for _, size := range [][2]int{{1000, 700}, {1600, 1100}} {
		base := certificate(size[0], size[1], 3, false)
		for _, sigma := range []float64{0, 1, 1.5, 2, 3} {
			b := gaussianBlur(base, sigma*float64(max(size[0], 1024))/1024)
			for _, noise := range []float64{0, 6, 12} {
				m := b.clone()
				m.noise(noise, randFor(9))
				show(fmt.Sprintf("%v s%.1f n%.0f", size, sigma, noise), metricsOf(t, encodeJPEG(t, m.image(), 85)))
			}
		}
		g := grayscale(base, [3]float64{1, 0.97, 0.9})
		g.noise(6, randFor(4))
		show(fmt.Sprintf("%v gray+chroma noise", size), metricsOf(t, encodeJPEG(t, g.image(), 85)))
		show(fmt.Sprintf("%v dark .18", size), metricsOf(t, encodeJPEG(t, gain(base, 0.18).image(), 85)))
		show(fmt.Sprintf("%v dark .1", size), metricsOf(t, encodeJPEG(t, gain(base, 0.1).image(), 85)))
		show(fmt.Sprintf("%v gray dark .18", size), metricsOf(t, encodeJPEG(t, gain(g, 0.18).image(), 85)))
	}
}
