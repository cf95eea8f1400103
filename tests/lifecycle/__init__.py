"""Tests of the ticket lifecycle, its planning bridge, store and CLI."""
