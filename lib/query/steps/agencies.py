"""部门任务's steps: bodies and their measures, workload, the grid, the network, one body in detail."""

from lib.query import bodies, network, store

TOP, BRIEFING_TOP = 20, 12  # bodies in the bars and the grid; a 16:9 slide holds a dozen rows legibly
NETWORK_TOP = 30
GRID_BY = "doc_id"  # the grid's columns as the page opens


# Each computed once per build, filters and arguments, and shared by every session (store.per_view).
@store.per_view
def headline(f):
    measures = store.filtered(f)["measures"]
    return bodies.headline(measures, store.labels_within(measures, "agencies"))


@store.per_view
def measure_bodies(f):
    """One (measure, body) table for every chart below."""
    measures = store.filtered(f)["measures"]
    return bodies.body_rows(measures, store.labels_within(measures, "agencies"))


@store.per_view
def workload(f, include_issuer: bool, top: int):
    bars = bodies.workload(measure_bodies(f), include_issuer, top=top)
    return bars, bodies.merged_notes(store.filtered(f)["agencies"], bars.agency)


@store.per_view
def workload_grid(f, by: str, include_issuer: bool, top: int):
    return bodies.workload_grid(
        measure_bodies(f), store.filtered(f)["documents"], by=by, include_issuer=include_issuer, top=top
    )


@store.per_view
def co_responsibility(f, top: int):
    view = store.filtered(f)
    nodes, edges = network.network(
        view["measures"], view["agencies"], top=top, bodies=store.labels_within(view["measures"], "agencies")
    )
    return nodes, edges, network.spring_layout(list(nodes.agency), edges)


@store.per_view
def one_body(f, body: str):
    """The measures, targets, partners and profile of one body."""
    view = store.filtered(f)
    measures, index = view["measures"], store.labels_within(view["measures"], "agencies")
    return (
        bodies.body_measures(measures, view["documents"], body, index),
        bodies.body_targets(view["targets"], store.load_tables()["measures"], body, store.label_index("agencies")),
        bodies.body_partners(measures, body, index),
        bodies.body_profile(view["agencies"], body, bodies.written_forms(measures, view["documents"], body, index)),
    )


def default_view(f) -> None:
    """What the page computes as it opens, computed ahead by warm()."""
    headline(f)
    workload(f, True, TOP)
    workload_grid(f, GRID_BY, True, TOP)
    co_responsibility(f, NETWORK_TOP)
    if body := bodies.default_body(bodies.body_options(measure_bodies(f)), f.agencies):
        one_body(f, body)
