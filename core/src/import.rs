//! Importers: other systems' exports in, snapshot documents out. Pure data
//! transformation (no I/O), so every binding can offer it.

pub mod camunda7;
pub mod camunda8;
