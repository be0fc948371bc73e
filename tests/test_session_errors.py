"""A session turns an error under way into an environment failure naming its working directory (a full
disk, a damaged journal: exit 74/75), but leaves ekte's own classified errors alone — a ConfigError raised
while handling an OSError (a TLS handshake the Dask scheduler refused: SSLError, errno 1) stays the
ConfigError (exit 2 and its own line), not "permission denied" (exit 74) from its context."""

import errno
import ssl

import pytest

from ekte.errors import ConfigError, EnvironmentFailure
from ekte.pipeline.session import Session
from ekte.profile import load_profile


def _session(tmp_path):
    return Session(load_profile(), tmp_path / "wd", jobs=1, archives=False)


def test_a_config_error_with_an_oserror_behind_it_stays_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="refused this coordinator's certificate") as got:
        with _session(tmp_path):
            try:
                raise ssl.SSLError(1, "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca")
            except ssl.SSLError:
                raise ConfigError("the Dask scheduler refused this coordinator's certificate") from None
    assert not isinstance(got.value, EnvironmentFailure)


def test_an_oserror_under_way_names_the_working_directory(tmp_path):
    with pytest.raises(EnvironmentFailure) as got:
        with _session(tmp_path):
            raise OSError(errno.ENOSPC, "No space left on device")
    assert str(tmp_path / "wd") in str(got.value) and got.value.code == "disk_full"
