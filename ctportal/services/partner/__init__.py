"""Work inside one partner (issue 18): its institutions and who drafts each entry, by when.

The sign-off of an entry (ready → accepted) is services/reporting/signoff.py, since every save of an
entry asks it; this package sits above reporting and the desk (it reads the party's deadline).
"""
