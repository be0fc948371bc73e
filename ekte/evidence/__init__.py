"""Evidence that holds: TR-RESISCAN transfer notes (``resiscan``), seals
and RFC 3161 time stamps (``seal``), checking an archive (``verify``) and
retention (``retention``)."""
