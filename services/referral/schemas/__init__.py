"""Marshmallow request and response schemas of the referral API."""
