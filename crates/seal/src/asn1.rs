//! DER helpers shared by the X.509 and GB/T 38540 modules: an element kept exactly as received
//! next to its decoded value (signatures are checked over the received bytes, never over a
//! re-encoding), and conversions between `SystemTime` and the ASN.1 time types.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::asn1::GeneralizedTime;
use der::{DateTime, Decode, Encode, Length, Reader, Writer};

use crate::error::PkiError;

/// A DER element as received (tag, length and value bytes) and its decoded value.
///
/// Decoding reads one whole element and decodes `T` from exactly those bytes; encoding writes
/// the received bytes back unchanged. A structure that contains a `Raw<T>` field therefore
/// re-encodes to its input even when `T` would encode differently (an explicit DEFAULT value,
/// say), and the bytes a signature covers are at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Raw<T> {
    der: Vec<u8>,
    value: T,
}

impl<T: Encode> Raw<T> {
    /// Encode `value` once and keep both.
    pub(crate) fn new(value: T) -> der::Result<Raw<T>> {
        Ok(Raw {
            der: value.to_der()?,
            value,
        })
    }
}

impl<T> Raw<T> {
    pub(crate) fn der(&self) -> &[u8] {
        &self.der
    }

    pub(crate) fn value(&self) -> &T {
        &self.value
    }
}

impl<'a, T> Decode<'a> for Raw<T>
where
    T: for<'b> Decode<'b, Error = der::Error>,
{
    type Error = der::Error;

    fn decode<R: Reader<'a>>(reader: &mut R) -> der::Result<Raw<T>> {
        let der = reader.tlv_bytes()?;
        let value = T::from_der(der)?;
        Ok(Raw {
            der: der.to_vec(),
            value,
        })
    }
}

impl<T> Encode for Raw<T> {
    fn encoded_len(&self) -> der::Result<Length> {
        Length::try_from(self.der.len())
    }

    fn encode(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.der)
    }
}

/// `time` as a DER GeneralizedTime (whole seconds, UTC).
pub(crate) fn generalized_time(time: SystemTime) -> Result<GeneralizedTime, PkiError> {
    GeneralizedTime::from_system_time(truncate(time)?)
        .map_err(|_| PkiError::InvalidTime("超出 1970 至 9999 年的范围"))
}

/// `time` cut to whole seconds; an error before 1970.
pub(crate) fn truncate(time: SystemTime) -> Result<SystemTime, PkiError> {
    let since = time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| PkiError::InvalidTime("早于 1970 年"))?;
    Ok(UNIX_EPOCH + Duration::from_secs(since.as_secs()))
}

/// `time` written as `YYYY-MM-DDTHH:MM:SSZ` for messages.
pub(crate) fn show_time(time: SystemTime) -> String {
    match time
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| DateTime::from_unix_duration(Duration::from_secs(d.as_secs())).ok())
    {
        Some(date) => date.to_string(),
        None => "（时间超出范围）".to_string(),
    }
}
