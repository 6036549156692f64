"""``{% account_rows accounts %}`` and ``{% directory_rows entries %}``: the rows of the account
tables, written by accounts.tables (issue 12: a template loop per row was most of these pages' time)."""

from django import template

from accounts import tables

register = template.Library()
register.simple_tag(tables.account_rows, name="account_rows")
register.simple_tag(tables.directory_rows, name="directory_rows")
