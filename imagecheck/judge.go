package imagecheck

// Quality thresholds. Each check has a warning and a rejection threshold; a
// purpose whose rules cap the check at SeverityWarn never rejects on it. The
// values were calibrated on the synthetic fixtures in fixture_test.go (see
// TestCalibration, which prints the sweep with -v) and are deliberately on
// the lenient side: a false rejection stops a customer who did nothing
// wrong, while a missed one still meets a human reviewer.
const (
	// Blur (Metrics.Sharpness, higher is sharper). On the fixtures, with the
	// Gaussian blur's sigma in working-copy pixels: sharp 1.2–1.5, σ 1 (soft
	// but legible) 0.35–0.42, σ 1.5 0.17–0.21, σ 2 0.11–0.15, σ 3 0.07–0.13,
	// the same at 1000, 1600 and 3200 px wide and at JPEG quality 60–90.
	// σ 2 at working scale smears the strokes of a 12 px character into each
	// other: reject. σ 1.5 is doubtful: warn.
	thresholdBlurWarn   = 0.28
	thresholdBlurReject = 0.17

	// Glare (Metrics.GlareFraction, share of the image). A highlight the
	// size of one or two characters of a licence is ~0.1 %; warn from there.
	// From 0.4 % (a 60×60 working-pixel patch, a dozen characters, enough to
	// hide a certificate number) reject.
	thresholdGlareWarn   = 0.001
	thresholdGlareReject = 0.004

	// Photocopy (Metrics.ColourFraction, share of coloured pixels). The
	// colour fixtures have 1–4 % (the seal and frame; 1 % when blurred, 0.35 %
	// when nearly black), grey copies 0.00 % with or without a tinted lamp
	// and chroma noise. Real originals have more: a licence's emblem, frame
	// and seal, an ID card's photo and emblem.
	thresholdGrayscaleReject = 0.002

	// Too dark (Metrics.MeanLuma, 0–255): the fixture at 18 % exposure has a
	// mean of 32, at 30 % 53, a normal photo 170–240.
	thresholdDarkWarn   = 60
	thresholdDarkReject = 40

	// Overexposed: even the darkest 0.1 % (Metrics.DarkLuma) is this light,
	// i.e. no ink is left to read, and the median is near white. A photo
	// 2.5× too bright still has ink at 68 and passes (its text is legible);
	// at 7× the ink is at 189.
	thresholdOverexposedDark   = 160
	thresholdOverexposedMedian = 245
)

// judge turns metrics into findings under the purpose's rules.
func judge(m Metrics, r Rules) []Finding {
	var out []Finding
	// level returns the severity for a value past warn/reject thresholds,
	// capped by the purpose, and the threshold crossed.
	level := func(cap Severity, pastWarn, pastReject bool, warnAt, rejectAt float64) (Severity, float64) {
		switch {
		case cap == SeverityOff:
			return SeverityOff, 0
		case pastReject && cap == SeverityReject:
			return SeverityReject, rejectAt
		case pastReject, pastWarn:
			return SeverityWarn, warnAt
		}
		return SeverityOff, 0
	}
	emit := func(code Code, sev Severity, measured, threshold float64) {
		if sev != SeverityOff {
			out = append(out, newFinding(code, sev, measured, threshold, r))
		}
	}

	// Exposure first: a dark or washed-out photo also scores as blurry, and
	// the fix for the cause is what the customer needs to read.
	dark, washed := false, false
	if sev, t := level(r.Exposure, m.MeanLuma < thresholdDarkWarn, m.MeanLuma < thresholdDarkReject,
		thresholdDarkWarn, thresholdDarkReject); sev != SeverityOff {
		emit(CodeTooDark, sev, m.MeanLuma, t)
		dark = true
	}
	over := m.DarkLuma >= thresholdOverexposedDark && m.MedianLuma >= thresholdOverexposedMedian
	if sev, t := level(r.Exposure, over, over, thresholdOverexposedDark, thresholdOverexposedDark); sev != SeverityOff {
		emit(CodeOverexposed, sev, m.DarkLuma, t)
		washed = true
	}
	if !dark && !washed {
		// No content tile at all (a uniform image) is as unreadable as a
		// blurred one.
		none := m.ContentTiles == 0
		sev, t := level(r.Blur, none || m.Sharpness < thresholdBlurWarn, none || m.Sharpness < thresholdBlurReject,
			thresholdBlurWarn, thresholdBlurReject)
		emit(CodeBlurry, sev, m.Sharpness, t)
	}
	sev, t := level(r.Glare, m.GlareFraction > 0 && m.GlareFraction >= thresholdGlareWarn,
		m.GlareFraction > 0 && m.GlareFraction >= thresholdGlareReject, thresholdGlareWarn, thresholdGlareReject)
	emit(CodeGlare, sev, m.GlareFraction, t)
	// A washed-out photo has lost its colours to clipping; it is refused as
	// overexposed, not as a photocopy.
	if !washed {
		gray := m.ColourFraction < thresholdGrayscaleReject
		sev, t = level(r.Grayscale, gray, gray, thresholdGrayscaleReject, thresholdGrayscaleReject)
		emit(CodeGrayscaleCopy, sev, m.ColourFraction, t)
	}
	return out
}
