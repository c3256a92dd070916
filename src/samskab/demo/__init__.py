"""The demo: Denmark's 2012 OGP consultation, re-told with synthetic responses.

Facts (dates, challenges, example areas) come from the 2012 call; every text is written here and
every respondent is invented. `load.demo_load()` installs it idempotently.
"""
