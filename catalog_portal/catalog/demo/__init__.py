"""The demo catalogue: synthetic but plausible imagery written as real COGs, and STAC for it.

Everything here is generated offline and deterministically from fixed seeds, so every
developer and CI run gets the same files and documents.
"""
