"""HL7 FHIR R4 views of referrals, providers and consenting children (read-only)."""
