package org.bulletinboard.chaos.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tarjan's strongly connected components, with an explicit stack: a list may hold a few hundred values, too deep
 * for recursion.
 */
final class StronglyConnected {

    private StronglyConnected() {
    }

    /**
     * The components of more than one node.
     *
     * @param successors each node's successors; nodes are 0 to {@code successors.length - 1}
     */
    static List<int[]> cycles(int[][] successors) {
        int n = successors.length;
        int[] index = new int[n];
        Arrays.fill(index, -1);
        int[] low = new int[n];
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int stackSize = 0;
        int[] callNode = new int[n];
        int[] callEdge = new int[n];
        int depth = 0;
        int visited = 0;
        List<int[]> components = new ArrayList<>();
        for (int root = 0; root < n; root++) {
            if (index[root] != -1) {
                continue;
            }
            index[root] = low[root] = visited++;
            stack[stackSize++] = root;
            onStack[root] = true;
            callNode[depth] = root;
            callEdge[depth++] = 0;
            while (depth > 0) {
                int v = callNode[depth - 1];
                if (callEdge[depth - 1] < successors[v].length) {
                    int w = successors[v][callEdge[depth - 1]++];
                    if (index[w] == -1) {
                        index[w] = low[w] = visited++;
                        stack[stackSize++] = w;
                        onStack[w] = true;
                        callNode[depth] = w;
                        callEdge[depth++] = 0;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                depth--;
                if (depth > 0) {
                    int parent = callNode[depth - 1];
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == index[v]) {
                    int start = stackSize;
                    do {
                        onStack[stack[--start]] = false;
                    } while (stack[start] != v);
                    if (stackSize - start > 1) {
                        components.add(Arrays.copyOfRange(stack, start, stackSize));
                    }
                    stackSize = start;
                }
            }
        }
        return components;
    }
}
