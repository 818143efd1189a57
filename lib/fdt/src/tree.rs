//! The in-memory tree: nodes, properties, memory reservations, and path lookup.

use alloc::string::String;
use alloc::vec::Vec;

use crate::cells;
use crate::FdtError;

/// Deepest node nesting accepted by the parser and by [`Fdt::ensure_node`] (the root is depth 1).
pub const MAX_DEPTH: usize = 64;

/// One entry of the memory reservation block (`/memreserve/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReserveEntry {
    /// Physical start address.
    pub address: u64,
    /// Length in bytes.
    pub size: u64,
}

/// A property: a name and an uninterpreted byte value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    name: String,
    value: Vec<u8>,
}

impl Property {
    /// The property name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw value bytes.
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    pub(crate) fn new_unchecked(name: String, value: Vec<u8>) -> Self {
        Self { name, value }
    }
}

/// A node: a name (`name@unit`, empty for the root), properties in order, children in order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Node {
    name: String,
    properties: Vec<Property>,
    children: Vec<Node>,
}

// Byte and `matches!` tests rather than `str::contains(char)` throughout:
// the standard library's string search is a kilobyte of code built for
// speed, which this cold code does not need.

/// Characters allowed in property names by the devicetree specification.
fn is_property_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '_' | '+' | '?' | '#' | '-')
}

/// Characters allowed in node names (including the `@unit-address` part).
fn is_node_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '_' | '+' | '-' | '@')
}

/// Checks a node name given to the editing API.
pub(crate) fn check_node_name(name: &str) -> Result<(), FdtError> {
    if name.len() > crate::MAX_NAME_LEN
        || name.is_empty()
        || !name.chars().all(is_node_char)
        || name.starts_with('@')
    {
        return Err(FdtError::BadName);
    }
    Ok(())
}

/// Checks a property name given to the editing API.
pub(crate) fn check_property_name(name: &str) -> Result<(), FdtError> {
    if name.len() > crate::MAX_NAME_LEN || name.is_empty() || !name.chars().all(is_property_char) {
        return Err(FdtError::BadName);
    }
    Ok(())
}

impl Node {
    /// A node without properties or children. The name is not checked; the editing methods of
    /// [`Fdt`] check the names they are given.
    pub(crate) fn new_unchecked(name: String) -> Self {
        Self {
            name,
            properties: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The full node name, e.g. `cpu@0`; empty for the root.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name without the `@unit-address` part.
    pub fn base_name(&self) -> &str {
        self.name.split('@').next().unwrap_or("")
    }

    /// The properties in blob order.
    pub fn properties(&self) -> &[Property] {
        &self.properties
    }

    /// The children in blob order.
    pub fn children(&self) -> &[Node] {
        &self.children
    }

    /// Mutable access to the children (e.g. to edit every `cpu@*`).
    pub fn children_mut(&mut self) -> &mut [Node] {
        &mut self.children
    }

    pub(crate) fn push_property_unchecked(&mut self, p: Property) {
        self.properties.push(p);
    }

    pub(crate) fn push_child_unchecked(&mut self, n: Node) {
        self.children.push(n);
    }

    /// The first child with this exact name or, when `name` has no `@`, the first child whose
    /// base name is `name` (the libfdt lookup rule).
    pub fn child(&self, name: &str) -> Option<&Node> {
        let i = self.child_index(name)?;
        self.children.get(i)
    }

    /// Mutable variant of [`Node::child`].
    pub fn child_mut(&mut self, name: &str) -> Option<&mut Node> {
        let i = self.child_index(name)?;
        self.children.get_mut(i)
    }

    fn child_index(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.children.iter().position(|c| c.name == name) {
            return Some(i);
        }
        if name.as_bytes().contains(&b'@') {
            return None;
        }
        self.children.iter().position(|c| c.base_name() == name)
    }

    /// Adds a child; fails if the name is invalid or a child with exactly this name exists.
    pub fn add_child(&mut self, name: &str) -> Result<&mut Node, FdtError> {
        check_node_name(name)?;
        if self.children.iter().any(|c| c.name == name) {
            return Err(FdtError::NodeExists);
        }
        self.children.push(Node::new_unchecked(name.into()));
        self.children.last_mut().ok_or(FdtError::NodeNotFound)
    }

    /// Keeps only the children for which `keep` returns true (in order).
    pub fn retain_children(&mut self, keep: impl FnMut(&Node) -> bool) {
        self.children.retain(keep);
    }

    /// Removes and returns the child with exactly this name.
    pub fn remove_child(&mut self, name: &str) -> Option<Node> {
        let i = self.children.iter().position(|c| c.name == name)?;
        Some(self.children.remove(i))
    }

    /// The value of the first property with this name.
    pub fn property(&self, name: &str) -> Option<&[u8]> {
        self.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_slice())
    }

    /// Sets a property: replaces the value of the first property with this name (dropping any
    /// later duplicates) or appends a new one.
    pub fn set_property(&mut self, name: &str, value: &[u8]) -> Result<(), FdtError> {
        check_property_name(name)?;
        let mut found = false;
        self.properties.retain_mut(|p| {
            if p.name != name {
                return true;
            }
            if found {
                return false;
            }
            found = true;
            p.value.clear();
            p.value.extend_from_slice(value);
            true
        });
        if !found {
            self.properties.push(Property {
                name: name.into(),
                value: value.into(),
            });
        }
        Ok(())
    }

    /// Removes every property with this name; returns whether one existed.
    pub fn remove_property(&mut self, name: &str) -> bool {
        let before = self.properties.len();
        self.properties.retain(|p| p.name != name);
        self.properties.len() != before
    }

    /// Removes every property with this name and returns their values (moved, not copied, so
    /// that the caller can wipe them).
    pub fn take_properties(&mut self, name: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.properties.len() {
            if self.properties[i].name == name {
                out.push(self.properties.remove(i).value);
            } else {
                i += 1;
            }
        }
        out
    }

    /// Removes all properties and children, keeping the name.
    pub fn clear(&mut self) {
        self.properties.clear();
        self.children.clear();
    }

    /// A one-cell property as `u32`.
    pub fn property_u32(&self, name: &str) -> Option<u32> {
        cells::u32_from(self.property(name)?)
    }

    /// A one- or two-cell property as `u64`.
    pub fn property_u64(&self, name: &str) -> Option<u64> {
        let v = self.property(name)?;
        match v.len() {
            4 => cells::u32_from(v).map(u64::from),
            8 => cells::u64_from(v),
            _ => None,
        }
    }

    /// A property holding one NUL-terminated UTF-8 string.
    pub fn property_str(&self, name: &str) -> Option<&str> {
        cells::str_from(self.property(name)?)
    }

    /// Iterates over the strings of a string-list property (e.g. `compatible`).
    pub fn property_strings(&self, name: &str) -> Option<cells::StringList<'_>> {
        self.property(name).map(cells::StringList::new)
    }

    /// Sets a one-cell property.
    pub fn set_property_u32(&mut self, name: &str, value: u32) -> Result<(), FdtError> {
        self.set_property(name, &value.to_be_bytes())
    }

    /// Sets a two-cell property (high cell first).
    pub fn set_property_u64(&mut self, name: &str, value: u64) -> Result<(), FdtError> {
        self.set_property(name, &value.to_be_bytes())
    }

    /// Sets a property to a list of cells.
    pub fn set_property_cells(&mut self, name: &str, value: &[u32]) -> Result<(), FdtError> {
        self.set_property(name, &cells::encode_cells(value))
    }

    /// Sets a string property (a NUL is appended; `value` must not contain NUL).
    pub fn set_property_str(&mut self, name: &str, value: &str) -> Result<(), FdtError> {
        self.set_property_strings(name, &[value])
    }

    /// Sets a string-list property (each string NUL-terminated; none may contain NUL).
    pub fn set_property_strings(&mut self, name: &str, values: &[&str]) -> Result<(), FdtError> {
        let v = cells::encode_strings(values)?;
        self.set_property(name, &v)
    }

    /// Sets an empty (boolean) property such as `no-map`.
    pub fn set_property_empty(&mut self, name: &str) -> Result<(), FdtError> {
        self.set_property(name, &[])
    }

    /// Number of nodes in this subtree, including this one.
    pub fn node_count(&self) -> usize {
        let mut count = 0usize;
        let mut todo: Vec<&Node> = Vec::from([self]);
        while let Some(n) = todo.pop() {
            count = count.saturating_add(1);
            todo.extend(n.children.iter());
        }
        count
    }
}

/// A parsed, editable device tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fdt {
    pub(crate) boot_cpuid_phys: u32,
    pub(crate) reservations: Vec<ReserveEntry>,
    pub(crate) root: Node,
}

impl Default for Fdt {
    fn default() -> Self {
        Self::new()
    }
}

/// Splits an absolute path into its components; `/` yields none.
fn components(path: &str) -> Result<impl Iterator<Item = &str>, FdtError> {
    let rest = path.strip_prefix('/').ok_or(FdtError::BadPath)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if !rest.is_empty() && rest.split('/').any(str::is_empty) {
        return Err(FdtError::BadPath);
    }
    Ok(rest.split('/').filter(|c| !c.is_empty()))
}

/// Splits `/a/b/c` into (`/a/b`, `c`).
fn split_last(path: &str) -> Result<(&str, &str), FdtError> {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    let (parent, name) = trimmed.rsplit_once('/').ok_or(FdtError::BadPath)?;
    if name.is_empty() {
        return Err(FdtError::BadPath);
    }
    Ok((if parent.is_empty() { "/" } else { parent }, name))
}

impl Fdt {
    /// An empty tree: a root node without properties, no reservations, boot CPU 0.
    pub fn new() -> Self {
        Self {
            boot_cpuid_phys: 0,
            reservations: Vec::new(),
            root: Node::default(),
        }
    }

    /// `boot_cpuid_phys` from the header.
    pub fn boot_cpuid_phys(&self) -> u32 {
        self.boot_cpuid_phys
    }

    /// Sets `boot_cpuid_phys`.
    pub fn set_boot_cpuid_phys(&mut self, id: u32) {
        self.boot_cpuid_phys = id;
    }

    /// The memory reservation entries (without the terminator).
    pub fn reservations(&self) -> &[ReserveEntry] {
        &self.reservations
    }

    /// Mutable access to the memory reservation entries.
    pub fn reservations_mut(&mut self) -> &mut Vec<ReserveEntry> {
        &mut self.reservations
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The root node, mutable.
    pub fn root_mut(&mut self) -> &mut Node {
        &mut self.root
    }

    /// The node at an absolute path such as `/cpus/cpu@0` (`/` is the root). A component
    /// without `@` also matches `name@unit` when no exact match exists.
    pub fn node(&self, path: &str) -> Option<&Node> {
        let mut n = &self.root;
        for c in components(path).ok()? {
            n = n.child(c)?;
        }
        Some(n)
    }

    /// Mutable variant of [`Fdt::node`].
    pub fn node_mut(&mut self, path: &str) -> Option<&mut Node> {
        let mut n = &mut self.root;
        for c in components(path).ok()? {
            n = n.child_mut(c)?;
        }
        Some(n)
    }

    /// Adds a node `name` under the existing node `parent_path`.
    pub fn add_node(&mut self, parent_path: &str, name: &str) -> Result<&mut Node, FdtError> {
        if components(parent_path)?.count() >= MAX_DEPTH.saturating_sub(1) {
            return Err(FdtError::TooDeep);
        }
        self.node_mut(parent_path)
            .ok_or(FdtError::NodeNotFound)?
            .add_child(name)
    }

    /// Returns the node at `path`, creating it and any missing ancestors.
    pub fn ensure_node(&mut self, path: &str) -> Result<&mut Node, FdtError> {
        let comps = components(path)?;
        let mut n = &mut self.root;
        for (depth, c) in comps.enumerate() {
            if depth.saturating_add(2) > MAX_DEPTH {
                return Err(FdtError::TooDeep);
            }
            n = match n.child_index(c) {
                Some(i) => n.children.get_mut(i).ok_or(FdtError::NodeNotFound)?,
                None => n.add_child(c)?,
            };
        }
        Ok(n)
    }

    /// Removes the node at `path` (not the root) and returns it.
    pub fn remove_node(&mut self, path: &str) -> Result<Node, FdtError> {
        let (parent, name) = split_last(path)?;
        let parent = self.node_mut(parent).ok_or(FdtError::NodeNotFound)?;
        let full = parent
            .child(name)
            .ok_or(FdtError::NodeNotFound)?
            .name
            .clone();
        parent.remove_child(&full).ok_or(FdtError::NodeNotFound)
    }

    /// The value of property `name` of the node at `path`.
    pub fn property(&self, path: &str, name: &str) -> Option<&[u8]> {
        self.node(path)?.property(name)
    }

    /// Sets property `name` of the existing node at `path`.
    pub fn set_property(&mut self, path: &str, name: &str, value: &[u8]) -> Result<(), FdtError> {
        self.node_mut(path)
            .ok_or(FdtError::NodeNotFound)?
            .set_property(name, value)
    }

    /// Removes property `name` from the node at `path`; `Ok(false)` if it did not exist.
    pub fn remove_property(&mut self, path: &str, name: &str) -> Result<bool, FdtError> {
        Ok(self
            .node_mut(path)
            .ok_or(FdtError::NodeNotFound)?
            .remove_property(name))
    }

    /// The root's `#address-cells` (the specification's default 2 when absent).
    pub fn root_address_cells(&self) -> u32 {
        self.root.property_u32("#address-cells").unwrap_or(2)
    }

    /// The root's `#size-cells` (the specification's default 1 when absent).
    pub fn root_size_cells(&self) -> u32 {
        self.root.property_u32("#size-cells").unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let mut f = Fdt::new();
        f.ensure_node("/cpus/cpu@0").unwrap();
        f.add_node("/cpus", "cpu@1").unwrap();
        assert_eq!(f.node("/cpus/cpu@1").unwrap().name(), "cpu@1");
        assert_eq!(f.node("/cpus/cpu").unwrap().name(), "cpu@0");
        assert_eq!(f.node("/cpus/").unwrap().name(), "cpus");
        assert!(f.node("/").unwrap().name().is_empty());
        assert!(f.node("cpus").is_none());
        assert!(f.node("//cpus").is_none());
        assert!(f.node("/cpus/cpu@2").is_none());
        assert_eq!(f.add_node("/cpus", "cpu@1"), Err(FdtError::NodeExists));
        assert_eq!(f.add_node("/nope", "x"), Err(FdtError::NodeNotFound));
        assert_eq!(f.add_node("/", "a/b"), Err(FdtError::BadName));
        assert_eq!(f.add_node("/", ""), Err(FdtError::BadName));
        assert_eq!(f.remove_node("/cpus/cpu@0").unwrap().name(), "cpu@0");
        assert!(f.node("/cpus/cpu@0").is_none());
        assert_eq!(f.remove_node("/"), Err(FdtError::BadPath));
        assert_eq!(f.root().node_count(), 3);
    }

    #[test]
    fn depth_limit_on_ensure() {
        let mut f = Fdt::new();
        let mut p = String::new();
        for _ in 0..MAX_DEPTH - 1 {
            p.push_str("/a");
        }
        f.ensure_node(&p).unwrap();
        p.push_str("/a");
        assert_eq!(f.ensure_node(&p).map(|_| ()), Err(FdtError::TooDeep));
    }

    #[test]
    fn properties() {
        let mut f = Fdt::new();
        f.set_property("/", "model", b"x\0").unwrap();
        let r = f.root_mut();
        r.set_property_u32("#size-cells", 2).unwrap();
        r.set_property_u64("v", 0x1_0000_0002).unwrap();
        r.set_property_strings("compatible", &["a", "b"]).unwrap();
        assert_eq!(r.property_u32("#size-cells"), Some(2));
        assert_eq!(r.property_u64("v"), Some(0x1_0000_0002));
        assert_eq!(r.property_u64("#size-cells"), Some(2));
        assert_eq!(r.property("v").unwrap(), &[0, 0, 0, 1, 0, 0, 0, 2]);
        assert_eq!(r.property_str("model"), Some("x"));
        let list: Vec<_> = r.property_strings("compatible").unwrap().collect();
        assert_eq!(list, ["a", "b"]);
        assert_eq!(r.set_property("bad name", b""), Err(FdtError::BadName));
        assert_eq!(r.set_property_str("s", "a\0b"), Err(FdtError::BadValue));
        assert!(f.remove_property("/", "model").unwrap());
        assert!(!f.remove_property("/", "model").unwrap());
        assert_eq!(
            f.remove_property("/x", "model"),
            Err(FdtError::NodeNotFound)
        );
    }

    #[test]
    fn set_property_collapses_duplicates() {
        let mut n = Node::new_unchecked("n".into());
        n.push_property_unchecked(Property::new_unchecked("a".into(), b"1".to_vec()));
        n.push_property_unchecked(Property::new_unchecked("b".into(), b"2".to_vec()));
        n.push_property_unchecked(Property::new_unchecked("a".into(), b"3".to_vec()));
        n.set_property("a", b"9").unwrap();
        let names: Vec<_> = n.properties().iter().map(|p| p.name()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(n.property("a"), Some(&b"9"[..]));
    }
}
