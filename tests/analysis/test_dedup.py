"""SimHash signatures and the banded near-duplicate index."""

from analysis.dedup import SimHashIndex, hamming, is_near_duplicate, simhash

BASE = ("A市A5区魅力之城小区临街餐饮店油烟噪音扰民，严重影响居民休息，请有关部门尽快处理。"
        "我们小区一楼的商铺开了很多餐馆，每天晚上营业到凌晨两点。")
REPOST = "转发 " + BASE.replace("。", "！") + " ..."
OTHER = "A市A2区丽发新城小区附近搅拌站噪音扰民，粉尘很大，晚上施工，请有关部门尽快处理。"


def test_signature_is_stable_and_64_bit():
    assert simhash(BASE) == simhash(BASE)
    assert 0 < simhash(BASE) < 2**64
    assert simhash("，。！  ") == 0


def test_copy_is_near_and_other_matter_is_far():
    assert hamming(simhash(BASE), simhash(REPOST)) <= 5
    assert is_near_duplicate(simhash(BASE), simhash(REPOST), max_distance=5)
    assert hamming(simhash(BASE), simhash(OTHER)) > 10
    assert not is_near_duplicate(0, 0)


def test_index_finds_near_duplicates_and_round_trips():
    index = SimHashIndex(max_distance=5)
    index.add("a", simhash(BASE))
    index.add("b", simhash(OTHER))
    assert [key for key, _ in index.query(simhash(REPOST))] == ["a"]
    restored = SimHashIndex(index.items(), max_distance=5)
    assert len(restored) == 2
    assert restored.query(simhash(OTHER))[0] == ("b", 0)
    restored.remove("b")
    assert restored.query(simhash(OTHER)) == []
