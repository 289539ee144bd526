"""Importing a centre's existing caseload from a spreadsheet (CSV or .xlsx), with a preview first."""
