"""English date and time formats for a Danish site read in English: day before month and the
24-hour clock, as Danish readers of the English pages expect and as official Danish English
uses (Django's default "N j, Y, P" gave "Feb. 21, 2012, 2:03 p.m.", and after a sentence's
full stop "p.m..")."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
