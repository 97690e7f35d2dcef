package cnid

// provincePrefix holds the 2-digit province-level prefixes of GB/T 2260 that
// identifiers may start with: the 31 mainland provinces plus 81/82/83, which
// residence permits of Hong Kong, Macau and Taiwan residents use. The full
// county list lives in package region; identifiers keep the code in force when
// they were issued, often long abolished, so only the prefix is checked here.
var provincePrefix = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"81": true, "82": true, "83": true,
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
