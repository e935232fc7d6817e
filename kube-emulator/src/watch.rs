//! `watch=true`: a stream of newline-delimited JSON events (`ADDED`, `MODIFIED`, `DELETED`,
//! or one `ERROR` with a 410 Status when the requested resourceVersion is too old).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::Response;
use serde_json::{json, Value};
use tokio::sync::{broadcast, mpsc};

use crate::resources::ResourceInfo;
use crate::selectors::{FieldSelector, LabelSelector};
use crate::state::{Body, State};
use crate::status::ApiError;
use crate::store::{Event, EventType};
use crate::table::{self, Include};

/// What a watch follows.
pub(crate) struct WatchRequest {
    pub info: ResourceInfo,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
    pub resource_version: Option<String>,
    pub timeout: Option<Duration>,
    /// `sendInitialEvents=true`: existing objects first, then a BOOKMARK marking their end.
    pub send_initial_events: bool,
    /// Send each object as a one-row Table (the client asked for Tables).
    pub table: Option<Include>,
}

impl WatchRequest {
    fn in_scope(&self, event: &Event) -> bool {
        event.key.group == self.info.group
            && event.key.resource == self.info.plural
            && self
                .namespace
                .as_ref()
                .is_none_or(|ns| event.key.namespace == *ns)
    }

    fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj)
    }

    /// The event as this watcher sees it: selectors turn modifications that enter or leave the
    /// selection into `ADDED` / `DELETED`.
    fn translate(&self, event: &Event) -> Option<(EventType, Arc<Value>)> {
        if !self.in_scope(event) {
            return None;
        }
        let now = self.matches(&event.object);
        let before = event.previous.as_deref().map(|p| self.matches(p));
        match (event.kind, before, now) {
            (EventType::Modified, Some(true), false) => {
                Some((EventType::Deleted, event.object.clone()))
            }
            (EventType::Modified, Some(false), true) => {
                Some((EventType::Added, event.object.clone()))
            }
            (_, _, true) => Some((event.kind, event.object.clone())),
            _ => None,
        }
    }

    fn line(&self, kind: &str, obj: &Value) -> Bytes {
        let mut obj = obj.clone();
        if obj.get("kind").is_some_and(|k| k != "Status") {
            obj["apiVersion"] = json!(self.info.group_version());
        }
        if let (Some(include), "ADDED" | "MODIFIED" | "DELETED") = (self.table, kind) {
            let rv = obj.pointer("/metadata/resourceVersion").cloned();
            let metadata = json!({ "resourceVersion": rv });
            obj = table::table(&self.info, [&obj], metadata, include);
        }
        let mut text = json!({ "type": kind, "object": obj }).to_string();
        text.push('\n');
        Bytes::from(text)
    }
}

fn stream_response(rx: mpsc::Receiver<Bytes>) -> Response<Body> {
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(Frame::data(chunk)), rx))
    });
    Response::builder()
        .status(200)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-cache, private")
        .body(StreamBody::new(stream).boxed_unsync())
        .expect("static response parts are valid")
}

/// Starts a watch and returns its streaming response.
pub(crate) fn watch(state: &Arc<State>, req: WatchRequest) -> Response<Body> {
    let (tx, rx) = mpsc::channel::<Bytes>(256);
    let mut initial: Vec<Bytes> = Vec::new();
    let events = {
        let store = state.lock();
        // Without a resourceVersion (or with sendInitialEvents) the watch starts with the
        // current objects as ADDED events, as the API server's does.
        let from = req
            .resource_version
            .as_deref()
            .filter(|rv| !rv.is_empty() && *rv != "0" && !req.send_initial_events);
        match from {
            None => {
                let ns = req.namespace.as_deref();
                for (_, obj) in store.list_prefix(&req.info.group, &req.info.plural, ns) {
                    if req.matches(obj) {
                        initial.push(req.line("ADDED", obj));
                    }
                }
                if req.send_initial_events {
                    let bookmark = json!({
                        "kind": req.info.kind,
                        "apiVersion": req.info.group_version(),
                        "metadata": {
                            "resourceVersion": store.rv().to_string(),
                            "annotations": { "k8s.io/initial-events-end": "true" },
                        },
                    });
                    initial.push(req.line("BOOKMARK", &bookmark));
                }
                Some(store.subscribe())
            }
            Some(text) => match text
                .parse::<u64>()
                .ok()
                .and_then(|rv| store.subscribe_from(rv))
            {
                Some((past, events)) => {
                    for event in &past {
                        if let Some((kind, obj)) = req.translate(event) {
                            initial.push(req.line(kind.as_str(), &obj));
                        }
                    }
                    Some(events)
                }
                None => {
                    let status = ApiError::expired(format!(
                        "too old resource version: {text} ({})",
                        store.rv()
                    ))
                    .to_status();
                    initial.push(req.line("ERROR", &status));
                    None
                }
            },
        }
    };
    tokio::spawn(follow(req, tx, initial, events));
    stream_response(rx)
}

async fn follow(
    req: WatchRequest,
    tx: mpsc::Sender<Bytes>,
    initial: Vec<Bytes>,
    events: Option<broadcast::Receiver<Event>>,
) {
    for chunk in initial {
        if tx.send(chunk).await.is_err() {
            return;
        }
    }
    let Some(mut events) = events else {
        return;
    };
    let deadline = req.timeout.map(|t| tokio::time::Instant::now() + t);
    loop {
        let recv = async {
            match deadline {
                Some(deadline) => tokio::time::timeout_at(deadline, events.recv()).await.ok(),
                None => Some(events.recv().await),
            }
        };
        let next = tokio::select! {
            _ = tx.closed() => return,
            next = recv => match next {
                Some(next) => next,
                None => return,
            },
        };
        // A lagging or closed channel ends the watch; the client re-lists and re-watches.
        let Ok(event) = next else {
            return;
        };
        if let Some((kind, obj)) = req.translate(&event) {
            if tx.send(req.line(kind.as_str(), &obj)).await.is_err() {
                return;
            }
        }
    }
}
