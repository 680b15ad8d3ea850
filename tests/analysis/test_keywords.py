"""Keywords for a mention and for an event, with place names kept whole."""

from analysis import keywords


def _words(found):
    return [k.word for k in found]


def test_place_names_and_admin_codes_are_kept():
    text = "A市A5区魅力之城小区临街门面油烟直排扰民，魅力之城小区居民晚上无法休息，A5区城管请处理"
    words = _words(keywords.extract(text, top_k=8))
    assert words[0] == "魅力之城小区"
    assert "A5区" in words and "油烟" in words
    assert "魅力" not in words  # part of a kept place name


def test_stop_words_are_dropped():
    text = "尊敬的领导您好，我反映一个问题，希望有关部门尽快处理，谢谢"
    words = _words(keywords.extract(text, 10))
    assert not set(words) & {"领导", "您好", "反映", "问题", "希望", "有关", "部门", "谢谢"}


def test_group_keywords_name_the_matter():
    texts = ["A2区丽发新城小区附近搅拌站噪音扰民", "丽发新城小区旁建搅拌站，粉尘大",
             "投诉A2区丽发新城附近建搅拌站噪音扰民"]
    words = _words(keywords.extract_group(texts, top_k=4))
    assert words[:2] == ["丽发新城", "搅拌站"]
    assert keywords.extract_group([]) == []


def test_places_from_words():
    words = keywords.words_of("A4区绿地海外滩小区距长赣高铁最近只有30米，A6区月亮岛路架设高压线")
    found = keywords.places(words)
    assert "海外滩小区" in "".join(found) and "月亮岛路" in found
    assert keywords.same_place("海外滩二期小区", "绿地海外滩小区")
    assert not keywords.same_place("伊景园", "魅力之城")


def test_numbers_join_their_word():
    assert "58车贷" in keywords.terms("请书记关注A市A4区58车贷案")
