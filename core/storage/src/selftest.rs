//! Hash-tree self test (xtest 1015).
