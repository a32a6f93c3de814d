//! Files that hold personal data or keys (the SQLite database with its log, backups, key files,
//! the audit anchor log) are readable by their owner only (mode 0600), whatever the umask.

use std::io;
use std::path::Path;

use crate::StoreError;

/// Group and other permission bits: none of them may be set on a private file.
#[cfg(unix)]
const SHARED_BITS: u32 = 0o077;

/// Creates `path`, which must not exist yet, empty and with mode 0600.
pub fn create_new(path: &Path) -> io::Result<()> {
    open_options().create_new(true).open(path).map(|_| ())
}

/// `OpenOptions` for writing a private file: new files get mode 0600.
pub fn open_options() -> std::fs::OpenOptions {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
}

/// Takes group and other permissions away from an existing file (an installation made before
/// files were created private); a missing file is fine.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = meta.permissions().mode();
        if mode & SHARED_BITS != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !SHARED_BITS))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// A SQLite database file before it is opened: created empty with mode 0600 if it does not
/// exist (SQLite gives its `-wal` and `-shm` files the database file's mode), or tightened to
/// it, with its log files, if an older installation left it readable by others.
pub(crate) fn sqlite(file: &Path) -> Result<(), StoreError> {
    let fail = |e: io::Error, f: &Path| {
        StoreError::Config(format!(
            "无法把数据库文件 {} 设为仅属主可读写：{e}",
            f.display()
        ))
    };
    if file
        .parent()
        .is_some_and(|d| !d.as_os_str().is_empty() && !d.exists())
    {
        // sqlx reports a missing directory, as it always has.
        return Ok(());
    }
    match create_new(file) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(fail(e, file)),
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let f = Path::new(&name);
        restrict(f).map_err(|e| fail(e, f))?;
    }
    Ok(())
}

/// True when `path` exists and no one but its owner may read or write it.
#[cfg(unix)]
pub fn is_private(path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::metadata(path)?.permissions().mode() & SHARED_BITS == 0)
}
