//! `kubectl describe`.

use crate::{Ctx, Fail, Outcome};

pub(crate) fn run(_ctx: &mut Ctx) -> Outcome {
    Err(Fail::Text("error: describe is being written\n".into()))
}
