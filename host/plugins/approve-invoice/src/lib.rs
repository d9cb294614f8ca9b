//! An example plugin (world `plugin` of `host/wit/writ.wit`): an "approve
//! invoice" action. Before it acts it asks its host whether the caller may
//! update the invoice process; when not, it answers with the host's
//! explanation. It cannot ask about anyone but the caller: the host bound
//! the caller before running it.
// The code wit-bindgen generates for the component ABI is unsafe by nature.
#![allow(unsafe_code)]

mod bindings {
    wit_bindgen::generate!({ world: "plugin", path: "../../wit" });
}

use bindings::writ::authz::caller;

struct Plugin;

bindings::export!(Plugin with_types_in bindings);

impl bindings::Guest for Plugin {
    /// `input`: the invoice's number. Approves it, or says why not.
    fn run(input: String) -> Result<String, String> {
        let invoice = input.trim();
        if invoice.is_empty() {
            return Err("which invoice? give its number".into());
        }
        let may = caller::can("UPDATE", "PROCESS_DEFINITION", Some("invoice"))
            .map_err(|error| format!("cannot ask: {} ({})", error.message, error.code))?;
        if !may {
            let why = caller::explain("UPDATE", "PROCESS_DEFINITION", Some("invoice"))
                .unwrap_or_else(|error| format!("{{\"error\":\"{}\"}}", error.code));
            return Err(format!("not approved: {why}"));
        }
        Ok(format!("invoice {invoice} approved"))
    }
}
