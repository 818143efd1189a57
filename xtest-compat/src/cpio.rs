//! A writer for the `newc` cpio format (the one the Linux initramfs
//! unpacker reads), and a small in-memory file tree to feed it.

use std::collections::BTreeMap;
use std::io::{self, Write};

/// File type bits of `st_mode`.
const S_IFMT: u32 = 0o170_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFCHR: u32 = 0o020_000;

/// Streams `newc` cpio entries into a writer. All entries get uid/gid 0 and
/// mtime 0, so archives are reproducible.
#[derive(Debug)]
pub struct CpioWriter<W: Write> {
    out: W,
    next_ino: u32,
    offset: u64,
}

fn too_big() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "cpio entry too large")
}

impl<W: Write> CpioWriter<W> {
    /// Starts an archive on `out`.
    pub fn new(out: W) -> Self {
        Self {
            out,
            next_ino: 1,
            offset: 0,
        }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.offset = self
            .offset
            .checked_add(bytes.len() as u64)
            .ok_or_else(too_big)?;
        Ok(())
    }

    fn pad4(&mut self) -> io::Result<()> {
        let rem = (self.offset % 4) as usize;
        if rem != 0 {
            self.put(&[0u8; 3][..4 - rem])?;
        }
        Ok(())
    }

    fn entry(&mut self, path: &str, mode: u32, rdev: (u32, u32), data: &[u8]) -> io::Result<()> {
        let path = path.trim_start_matches('/');
        let namesize =
            u32::try_from(path.len().checked_add(1).ok_or_else(too_big)?).map_err(|_| too_big())?;
        let filesize = u32::try_from(data.len()).map_err(|_| too_big())?;
        let ino = self.next_ino;
        self.next_ino = self.next_ino.checked_add(1).ok_or_else(too_big)?;
        let nlink = if mode & S_IFMT == S_IFDIR { 2 } else { 1 };
        let fields = [
            ino, mode, 0, 0, nlink, 0, filesize, 0, 0, rdev.0, rdev.1, namesize, 0,
        ];
        let mut header = String::with_capacity(110);
        header.push_str("070701");
        for f in fields {
            header.push_str(&format!("{f:08X}"));
        }
        self.put(header.as_bytes())?;
        self.put(path.as_bytes())?;
        self.put(&[0])?;
        self.pad4()?;
        self.put(data)?;
        self.pad4()
    }

    /// Adds a directory with permission bits `perm`.
    pub fn dir(&mut self, path: &str, perm: u32) -> io::Result<()> {
        self.entry(path, S_IFDIR | (perm & 0o7777), (0, 0), &[])
    }

    /// Adds a regular file with permission bits `perm`.
    pub fn file(&mut self, path: &str, perm: u32, data: &[u8]) -> io::Result<()> {
        self.entry(path, S_IFREG | (perm & 0o7777), (0, 0), data)
    }

    /// Adds a symbolic link pointing at `target`.
    pub fn symlink(&mut self, path: &str, target: &str) -> io::Result<()> {
        self.entry(path, S_IFLNK | 0o777, (0, 0), target.as_bytes())
    }

    /// Adds a character device node.
    pub fn char_dev(&mut self, path: &str, perm: u32, major: u32, minor: u32) -> io::Result<()> {
        self.entry(path, S_IFCHR | (perm & 0o7777), (major, minor), &[])
    }

    /// Writes the trailer and returns the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.entry("TRAILER!!!", 0, (0, 0), &[])?;
        Ok(self.out)
    }
}

/// One node of a [`Tree`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A directory with permission bits.
    Dir(u32),
    /// A regular file: permission bits and contents.
    File(u32, Vec<u8>),
    /// A symbolic link and its target.
    Symlink(String),
    /// A character device: permission bits, major, minor.
    CharDev(u32, u32, u32),
}

/// An in-memory file tree keyed by relative path (no leading `/`). Parent
/// directories are created on insertion; iteration order puts every
/// directory before its contents.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    nodes: BTreeMap<String, Node>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts `node` at `path`, creating missing parent directories (0755).
    /// An existing node at `path` is replaced.
    pub fn insert(&mut self, path: &str, node: Node) {
        let path = path.trim_matches('/');
        if path.is_empty() {
            return;
        }
        let mut parent = String::new();
        for comp in path
            .split('/')
            .collect::<Vec<_>>()
            .split_last()
            .map(|(_, p)| p)
            .unwrap_or(&[])
        {
            if !parent.is_empty() {
                parent.push('/');
            }
            parent.push_str(comp);
            self.nodes.entry(parent.clone()).or_insert(Node::Dir(0o755));
        }
        self.nodes.insert(path.to_string(), node);
    }

    /// The node at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path.trim_matches('/'))
    }

    /// Iterates over all (path, node) pairs in archive order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.nodes.iter()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Writes the whole tree as a cpio archive.
    pub fn write_cpio<W: Write>(&self, out: W) -> io::Result<W> {
        let mut w = CpioWriter::new(out);
        for (path, node) in &self.nodes {
            match node {
                Node::Dir(perm) => w.dir(path, *perm)?,
                Node::File(perm, data) => w.file(path, *perm, data)?,
                Node::Symlink(target) => w.symlink(path, target)?,
                Node::CharDev(perm, major, minor) => w.char_dev(path, *perm, *major, *minor)?,
            }
        }
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal newc reader for the tests: (name, mode, rdevmajor, rdevminor, data).
    fn parse(buf: &[u8]) -> Vec<(String, u32, u32, u32, Vec<u8>)> {
        let mut out = Vec::new();
        let mut off = 0usize;
        loop {
            let h = &buf[off..off + 110];
            assert_eq!(&h[..6], b"070701");
            let field = |i: usize| {
                u32::from_str_radix(std::str::from_utf8(&h[6 + 8 * i..14 + 8 * i]).unwrap(), 16)
                    .unwrap()
            };
            let (mode, filesize, rmaj, rmin, namesize) = (
                field(1),
                field(6) as usize,
                field(9),
                field(10),
                field(11) as usize,
            );
            let name = std::str::from_utf8(&buf[off + 110..off + 110 + namesize - 1])
                .unwrap()
                .to_string();
            assert_eq!(buf[off + 110 + namesize - 1], 0);
            off = (off + 110 + namesize).next_multiple_of(4);
            let data = buf[off..off + filesize].to_vec();
            off = (off + filesize).next_multiple_of(4);
            if name == "TRAILER!!!" {
                assert_eq!(off, buf.len());
                return out;
            }
            out.push((name, mode, rmaj, rmin, data));
        }
    }

    #[test]
    fn writes_parsable_newc() {
        let mut w = CpioWriter::new(Vec::new());
        w.dir("/etc", 0o755).unwrap();
        w.file("etc/hello", 0o644, b"hi!").unwrap();
        w.symlink("lib", "usr/lib").unwrap();
        w.char_dev("dev/console", 0o600, 5, 1).unwrap();
        let buf = w.finish().unwrap();
        assert_eq!(buf.len() % 4, 0);
        let entries = parse(&buf);
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].0, "etc");
        assert_eq!(entries[0].1, 0o040_755);
        assert_eq!(
            entries[1],
            ("etc/hello".into(), 0o100_644, 0, 0, b"hi!".to_vec())
        );
        assert_eq!(
            entries[2],
            ("lib".into(), 0o120_777, 0, 0, b"usr/lib".to_vec())
        );
        assert_eq!(entries[3], ("dev/console".into(), 0o020_600, 5, 1, vec![]));
    }

    #[test]
    fn header_field_layout() {
        let buf = CpioWriter::new(Vec::new()).finish().unwrap();
        // magic + 13 fields + "TRAILER!!!\0" padded to 4.
        assert_eq!(buf.len(), (110 + 11usize).next_multiple_of(4));
        assert_eq!(&buf[110..120], b"TRAILER!!!");
        // namesize field (index 11) = 11.
        assert_eq!(&buf[6 + 88..6 + 96], b"0000000B");
    }

    #[test]
    fn tree_creates_parents_in_order() {
        let mut t = Tree::new();
        t.insert("usr/lib/x/y.so", Node::File(0o644, vec![1, 2]));
        t.insert("usr-z", Node::Symlink("usr".into()));
        assert_eq!(t.get("usr/lib"), Some(&Node::Dir(0o755)));
        let buf = t.write_cpio(Vec::new()).unwrap();
        let names: Vec<_> = parse(&buf).into_iter().map(|e| e.0).collect();
        for (i, n) in names.iter().enumerate() {
            if let Some((parent, _)) = n.rsplit_once('/') {
                let pi = names.iter().position(|m| m == parent).unwrap();
                assert!(pi < i, "{parent} after {n}");
            }
        }
        assert_eq!(names.len(), 5);
    }
}
