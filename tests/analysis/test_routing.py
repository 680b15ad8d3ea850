"""Routing of raw messages to 一级分类, with a confidence and a review threshold."""

from analysis import routing
from analysis.types import Route

from .conftest import read_rows


def test_routes_raw_messages_to_the_seven_categories():
    route = routing.classify("A3区某小学周边道路拥堵，接送孩子很不安全，希望增设红绿灯和交警",
                             title="请在A3区某小学门口设置红绿灯")
    assert isinstance(route, Route)
    assert route.best in routing.CATEGORIES
    assert 0.0 <= route.confidence <= 1.0
    salary = routing.classify("公司拖欠我们农民工工资半年了，社保也没有缴纳，请劳动监察部门处理")
    assert salary.category == "劳动和社会保障"


def test_low_confidence_goes_to_a_person():
    route = routing.classify("你好", threshold=0.99)
    assert route.category is None and route.needs_review
    assert route.best in routing.CATEGORIES


def test_raw_sample_messages(data_dir):
    rows = read_rows(data_dir / "tipdm2020c_fj2_sample" / "fujian2_sample_messages.csv")[:150]
    routes = routing.classify_many([r["留言主题"] + " " + r["留言详情"] for r in rows])
    accuracy = sum(r.best == row["一级分类"] for r, row in zip(routes, rows, strict=True))
    accuracy /= len(rows)
    assert accuracy >= 0.8  # bench/routing.py reports the full figures
