"""Result → HTML, JSON, CSV and maps. No statistics are computed here."""
