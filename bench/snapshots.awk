# bench/snapshots.awk: the bench data as import CSV. T tags (tag00001...) with
# S snapshots each, 6 h apart, the newest at LAST (epoch seconds); counts
# grow by a random step per tag, so growth, sorting and sparklines have
# something to show. Deterministic (srand(42)).
#
#   awk -v T=2000 -v S=400 -v LAST=1779408000 -f bench/snapshots.awk > snaps.csv

# RFC 3339 UTC of epoch seconds, by the calendar arithmetic of src/timefmt.c.
function iso(t,    z, era, doe, yoe, doy, mp, d, m, y, s) {
	z = int(t / 86400); s = t - z * 86400
	z += 719468; era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1; m = mp < 10 ? mp + 3 : mp - 9
	y = yoe + era * 400 + (m <= 2)
	return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, int(s / 3600), int(s / 60) % 60, s % 60)
}

BEGIN {
	print "hashtag,ts,video_count,view_count,source"
	srand(42)
	for (j = 0; j < S; j++)
		when[j] = iso(LAST - (S - 1 - j) * 21600)
	for (t = 1; t <= T; t++) {
		tag = sprintf("tag%05d", t)
		v = 1000 + int(rand() * 100000); w = v * (50 + int(rand() * 200))
		dv = 1 + int(rand() * 300); dw = dv * (20 + int(rand() * 100))
		for (j = 0; j < S; j++) {
			v += int(dv * (0.5 + rand())); w += int(dw * (0.5 + rand()))
			printf "%s,%s,%d,%d,2\n", tag, when[j], v, w
		}
	}
}
