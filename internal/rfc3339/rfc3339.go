// Package rfc3339 writes times as RFC 3339 text fast: a big log has a
// run every few hundred lines, and each run's id and record hold its times.
package rfc3339

import "time"

// Append is t.AppendFormat(b, time.RFC3339), with the UTC times of agent
// logs written digit by digit (the general formatter was a third of
// writing a run record).
func Append(b []byte, t time.Time) []byte {
	if t.Location() != time.UTC {
		return t.AppendFormat(b, time.RFC3339)
	}
	// The date from the days since 1970 (H. Hinnant's civil_from_days):
	// a few multiplications, against t.Date's and t.Clock's two passes.
	sec := t.Unix()
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	if days < -719468 || days > maxDays-719468 {
		return t.AppendFormat(b, time.RFC3339) // before year 0 or after 9999
	}
	// Unsigned 32-bit arithmetic from here: its divisions by constants
	// are a multiplication and a shift.
	z := uint32(days + 719468) // days since 0000-03-01
	era, doe := z/146097, z%146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day, month, year := doy-(153*mp+2)/5+1, mp+3, yoe+era*400
	if month > 12 {
		month -= 12
		year++
	}
	r := uint32(rem)
	b = append(b, pairs[2*(year/100):][:2]...)
	b = append(b, pairs[2*(year%100):][:2]...)
	b = append(b, '-', pairs[2*month], pairs[2*month+1], '-', pairs[2*day], pairs[2*day+1], 'T')
	h, m, s := r/3600, r/60%60, r%60
	b = append(b, pairs[2*h], pairs[2*h+1], ':', pairs[2*m], pairs[2*m+1], ':', pairs[2*s], pairs[2*s+1])
	return append(b, 'Z')
}

// maxDays is 9999-12-31 in days since 0000-03-01.
const maxDays = 2932896 + 719468

// pairs holds the two digits of 0 to 99, in turn.
const pairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// AppendNano is t.AppendFormat(b, time.RFC3339Nano): the same as Append
// for a time in whole seconds.
func AppendNano(b []byte, t time.Time) []byte {
	if t.Nanosecond() != 0 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	return Append(b, t)
}
