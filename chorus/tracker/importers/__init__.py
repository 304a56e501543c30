"""Importers for public policy data: UK Parliament bills and committees, GOV.UK consultations.

Each importer only *fetches and parses* into ``ImportedItem`` records; applying them to
the database (the diff, the timeline, protecting staff edits) is
``chorus.tracker.services.tracker_import_apply``.
"""
