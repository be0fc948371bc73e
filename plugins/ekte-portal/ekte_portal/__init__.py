"""ekte-portal: online applications (FIT-Connect style packages) as intake source."""

__version__ = "0.1.0"
