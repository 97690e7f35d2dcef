// Package cnid parses and validates Chinese identifiers that an ICP filing
// carries: the resident identity card number (居民身份证号码, GB 11643-1999),
// the unified social credit code (统一社会信用代码, GB 32100-2015), the legacy
// organisation code (组织机构代码, GB 11714-1997), mainland mobile numbers and
// landline numbers.
//
// The package is pure: it reads no clock, files or network. Where a rule
// depends on the date (a birth date may not lie in the future), the caller
// passes the date.
//
// Every parser returns a *Error on failure. Its Code is stable and is what the
// domain layer maps to bilingual messages; the English Message is for logs.
// The codes are:
//
//	cnid.length    wrong number of characters or digits
//	cnid.charset   a character outside the identifier's alphabet
//	cnid.checksum  a check character (or an embedded organisation code's check
//	               character) does not match: usually a typing mistake
//	cnid.birthdate the birth date in a resident ID is not a real date, is
//	               before 1900, or is after the date the caller passed
//	cnid.region    the region part names no province (or is not 6 digits)
//	cnid.legacy    a first-generation 15-digit resident ID; MIIT requires the
//	               18-character second-generation number
//	cnid.prefix    a mobile number whose 3-digit prefix is not a mobile segment
//	cnid.format    a landline number whose area code, number or extension is
//	               malformed
//
// Codes are never renamed or reused; new codes may be added.
package cnid
